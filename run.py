"""`python run.py`: the command line, from a checkout (see README, "Two commands")."""

try:
    from mockserver.cli import main
except ModuleNotFoundError as missing:  # run before installing: say what to do, not a traceback
    raise SystemExit(
        f"shopxo-mock: {missing.name} is not installed; from this checkout: "
        "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/python run.py"
    ) from None

raise SystemExit(main())
