"""From a stored user to the bytes the real server sends: the payload's fields of a user and profile
(view), a payload rendered once with each answer splicing in its token (payloads), and
{"msg","code","data"} as the real server's exact bytes (envelope)."""
