"""Small tools the whole mock shares: how per-request records are declared (records), a bounded
memo (memo), and "did you mean" for mistyped names (suggest)."""
