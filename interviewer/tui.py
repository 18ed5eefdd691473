"""The terminal UI of the practice loop: the only module that imports prompt_toolkit.

It reads answers with a prompt_toolkit prompt (Korean input, multi-line editing, history, a
bottom toolbar) and prints what :class:`~interviewer.session.Practice` returns. Keys:

  Enter                        submit the answer
  Alt-Enter / Esc Enter / Ctrl-J   new line inside the answer
  ↑ ↓                          move between lines, then through earlier answers
  Ctrl-C                       clear the current input
  Ctrl-D (on an empty line)    end the session
"""

from __future__ import annotations

import asyncio
from typing import Callable

from prompt_toolkit import PromptSession
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.styles import Style

from .session import Practice, Status, parse_command

PROMPT = "› "
CONTINUATION = "  "
# Kiwi starts loading this long after the first screen is drawn, so the terminal's answer to
# prompt_toolkit's cursor-position request is read before Kiwi holds the GIL.
WARM_UP_DELAY = 0.1

STYLE = Style.from_dict({
    "prompt": "bold",
    "bottom-toolbar": "noreverse bg:#303030 #d0d0d0",
    "bottom-toolbar.position": "bold #ffffff",
    "bottom-toolbar.follow-up": "#87d7ff",
    "bottom-toolbar.clock": "#ffd787",
    "bottom-toolbar.keys": "#a8a8a8",
})


def key_bindings() -> KeyBindings:
    kb = KeyBindings()

    @kb.add("enter")
    def _submit(event):
        event.current_buffer.validate_and_handle()

    @kb.add("escape", "enter")  # Alt-Enter sends Esc Enter in a terminal
    @kb.add("c-j")
    def _newline(event):
        event.current_buffer.insert_text("\n")

    return kb


def format_clock(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 60:02d}:{s % 60:02d}"


def toolbar_text(status: Status) -> FormattedText:
    where = f" 질문 {status.number}/{status.total}"
    parts = [("class:bottom-toolbar.position", where)]
    if status.follow_up:
        parts.append(("class:bottom-toolbar.follow-up", " · 꼬리질문"))
    if status.attempt > 1:
        parts.append(("class:bottom-toolbar.follow-up", f" · {status.attempt}번째 시도"))
    parts.append(("class:bottom-toolbar.clock", f" · {format_clock(status.elapsed)}"))
    parts.append(("class:bottom-toolbar.keys",
                  " │ Enter 제출 · Alt-Enter 줄바꿈 · /hint /skip /again /model /help /quit "))
    return FormattedText(parts)


def run_tui(practice: Practice, on_first_question: Callable[[], None] = lambda: None) -> int:
    """Ask until the session ends, /quit, or Ctrl-D. Returns the exit code (0)."""
    prompt_session: PromptSession = PromptSession(
        history=InMemoryHistory(),
        key_bindings=key_bindings(),
        multiline=True,  # Enter is rebound to submit; multiline lets the buffer hold line breaks
        prompt_continuation=CONTINUATION,
        bottom_toolbar=lambda: toolbar_text(practice.status()),
        refresh_interval=1.0,
        style=STYLE,
        enable_suspend=True,
    )
    print(practice.opening(), flush=True)
    on_first_question()

    def pre_run() -> None:
        if not practice_started[0]:
            practice_started[0] = True
            asyncio.get_running_loop().call_later(WARM_UP_DELAY, practice.started)

    practice_started = [False]
    while True:
        try:
            text = prompt_session.prompt([("class:prompt", PROMPT)], pre_run=pre_run)
            if text.strip() and parse_command(text) is None and not practice.scoring_ready():
                print("채점 준비 중… (처음 한 번만 기다려요)", flush=True)
            reply = practice.handle(text)  # Ctrl-C is held off while an answer is written
            if reply.text:
                print("\n" + reply.text + "\n", flush=True)
            if reply.done:
                return 0
        except KeyboardInterrupt:
            continue  # Ctrl-C: drop what was typed (or the rest of a printout), ask again
        except EOFError:
            print(practice.quit(), flush=True)
            return 0

