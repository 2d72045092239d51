"""The one error type for mistakes a user can make; the CLI maps it to exit code 2."""

from __future__ import annotations


class VaultToolsError(Exception):
    """A user-caused problem (bad config, missing vault, refused write): exit 2, no traceback."""

    exit_code = 2
