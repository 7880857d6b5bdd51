"""Run the command line as `python -m handouts`."""

from handouts.cli.main import main

if __name__ == "__main__":
    main()
