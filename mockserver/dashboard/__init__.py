"""The dashboard at /__mock/: the requests as they come, the scenarios, the server, in a browser.

`feed` is what it shows, worked out from the running mock without aiohttp; `static/` is the page
(HTML, JS, CSS, no build step); `web.dashboard` serves the page, its files and the live stream. Every
change the page makes goes through the admin API, so there is one way to change state.
"""
