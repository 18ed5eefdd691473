"""interviewer: an LLM-free mock-interview coach for Korean AI/DL technical interviews.

Importing the package never loads Kiwi; the analyzer is built explicitly (see
:mod:`interviewer.scoring.analysis`) and passed to whoever needs it.
"""

__version__ = "0.1.0"
