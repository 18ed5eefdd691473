"""``python -m interviewer`` = the ``interviewer`` command."""

from .cli import main

raise SystemExit(main())
