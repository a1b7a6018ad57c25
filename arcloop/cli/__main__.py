"""``python -m arcloop.cli``: the same as the ``arcloop`` command."""

from arcloop.cli import main

if __name__ == "__main__":
    main()
