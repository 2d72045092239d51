"""Reports: pure functions of interview notes and as-of, side by side, never importing
one another or the rules."""
