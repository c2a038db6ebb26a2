"""``reglab explore``: a live playground in the browser for every regularizer.

A local web server (Starlette on uvicorn) trains the page's variants × seeds
in the batched engine, in a worker thread, and streams compact frames
(server-sent events) to a plain HTML/JS page: decision boundaries as
probability grids, loss curves with the seed band, the first-layer weight
histogram, zeros and norms, and at the end the verdicts and the pick of
``reglab compare``.  See ``docs/explore.md``.

    from reglab.explore.server import serve
    serve(port=8765, open_browser=False)
"""
