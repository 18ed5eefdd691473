"""The one exception family. Library code raises these with a message that names the file,
line and field; only the CLI turns them into ``Error: …`` and an exit code."""


class InterviewerError(Exception):
    """Base class. ``str(err)`` is a complete one-line message for the user."""

    exit_code = 2

    def __init__(self, message: str):
        if not message:
            raise ValueError("InterviewerError needs a message")
        super().__init__(message)


class RubricError(InterviewerError):
    """A rubric or glossary file is missing, unreadable or invalid."""


class InputError(InterviewerError):
    """A command's input (batch line, question id, option) is invalid."""


class TranscriptError(InterviewerError):
    """A transcript or labels file cannot be read or written."""
