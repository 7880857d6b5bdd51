"""Run the command line as `python -m handouts`."""

from handouts.cli.entry import main

if __name__ == "__main__":
    main()
