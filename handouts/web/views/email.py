"""Email to patient: one handout or a packet, with the patient's consent.

The result is said plainly: sent, or waiting in the outbox and why.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from handouts.errors import HandoutError
from handouts.web import mailer
from handouts.web.pages import error, problem_lines, render, safe_next, view, web_of
from handouts.web.views.selection import choose


def _mask(address: str) -> str:
    return mailer.mask(address)


@view(post=True)
async def send(request: Request) -> Response:
    web = web_of(request)
    form = request.state.form
    sel = choose(web, form)          # the same items and options as the page they came from
    if not sel or not sel.items:
        return error(request, 404)
    # the email speaks the language of the handout shown (a packet: each part its own)
    items, lang = list(sel.items), sel.items[0].lang
    address = (form.get("to") or "").strip()
    back = safe_next(form.get("back"))      # a local path only (not /\evil.example)
    problems = []
    if not address or "@" not in address or len(address) > 254:
        problems.append("email_bad_address")
    if form.get("consent") != "yes":
        problems.append("email_no_consent")
    if problems:
        return render(request, "result.html", status=400, outcome="refused", problems=problems,
                      masked=_mask(address) if address else "", reason="", back=back)
    # per computer (the real one behind a configured proxy): one desk's burst never stops another's
    wait = web.email_limiter.take(request.client.host if request.client else "?")
    if wait:
        return render(request, "result.html", status=429, outcome="refused",
                      problems=["email_too_many"], masked=_mask(address), reason="",
                      seconds=int(wait) + 1, back=back)
    staff = request.state.session.staff or ""
    try:
        delivery = await run_in_threadpool(
            lambda: mailer.send(web.project, to=address, items=items, lang=lang, paper=sel.paper,
                                large_print=sel.large, staff=staff))
    except HandoutError as exc:
        return render(request, "result.html", status=409, outcome="refused", problems=[],
                      masked=_mask(address), reason="\n".join(problem_lines(exc, web)), back=back)
    return render(request, "result.html", outcome=delivery.status, problems=[],
                  masked=delivery.masked, reason=delivery.reason, back=back)
