"""A real ShopXO behind the mock: pass-through (`policy`, `proxy`), recording (`masking`,
`record`) and the contract diff (`cases`, `diff`).

The edge asks `policy` whether a request goes upstream and hands it to `proxy`; the command line
calls `record` and `diff`. Only aiohttp's client is used here, never its server side.
"""
