"""Helpers for any form."""


def error_summary(form):
    """All of a form's errors in one sentence, each with its field's label."""
    return " ".join(
        f"{form[name].label.text}: {' '.join(messages)}" for name, messages in form.errors.items()
    )
