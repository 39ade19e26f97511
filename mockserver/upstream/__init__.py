"""A real ShopXO behind the mock: pass-through (`policy`, `proxy`), recording (`masking`,
`record`) and the contract diff (`cases`, `diff`).

The edge asks `policy` whether a request goes upstream and hands it to `proxy`; the command line
calls `record` and `diff`. Pure logic: the HTTP side of each (the exchange, the replay, sending the
battery) is the edge's, `web.client`, `web.replay` and `web.battery`; nothing here imports aiohttp.
"""
