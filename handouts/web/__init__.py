"""The front-desk page: find, preview, print and email handouts in a browser.

``app.create_app(project)`` builds the ASGI app; ``serve.serve(...)`` runs it
with uvicorn. Each kind of page has its own small module in ``views/``; the
pages are Jinja templates in ``templates/`` that a project may override with
its own ``templates/web/``.
"""
