"""The health-literacy check: reading level, sentence length, medical terms, list length and the PEMAT-P items a
program can decide, scored on the IR each output prints, with thresholds from the variant's `literacy:` data.

Nothing here imports pyphen or renders IR until a check runs: `handouts check` without `--literacy` or
`--strict` never loads this package.
"""
