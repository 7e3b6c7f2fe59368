"""`python -m kamrules` is the `kam` command."""

from kamrules.cli.main import main

if __name__ == "__main__":
    main()
