"""Email to patient: one handout or a packet, with the patient's consent.

Nothing is sent the moment the form is submitted. "Check before sending"
shows the handout's page again with the whole address as typed (name and
all) and a Send button; a problem is said in plain words next to its field,
with everything typed kept. Only "Send now" sends. A message that has to
wait in the outbox can be cancelled from the result page. Without a working
``smtp:`` block there is no form at all (``selection.show``).
"""

from __future__ import annotations

from dataclasses import replace

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from handouts.errors import HandoutError
from handouts.web import mailer
from handouts.web.pages import error, problem_lines, render, safe_next, view, web_of
from handouts.web.views.selection import choose, show

MAX_TYPED = 320


def _typed(form) -> dict:
    return {"to": (form.get("to") or "")[:MAX_TYPED], "name": (form.get("name") or "")[:MAX_TYPED],
            "consent": form.get("consent") == "yes"}


@view(post=True)
async def send(request: Request) -> Response:
    web = web_of(request)
    form = request.state.form
    sel = choose(web, form)          # the same items and options as the page they came from
    if not sel or not sel.items:
        return error(request, 404)
    if form.get("handout") == "1" and len(sel.items) == 1:
        sel = replace(sel, packet=False)     # sent from one handout's page: shown again as that page
    if not await run_in_threadpool(mailer.configured, web.project):
        return await show(request, sel, status=409)      # the page says email is not set up here
    # the email speaks the language of the handout shown (a packet: each part its own)
    items, lang = list(sel.items), sel.items[0].lang
    typed, errors, address = _typed(form), {}, ""
    if not typed["to"].strip():
        errors["to"] = "email_no_address"
    else:
        try:
            address = mailer.recipient(typed["to"], typed["name"])
        except ValueError as exc:
            errors[str(exc)] = "email_bad_name" if str(exc) == "name" else "email_bad_address"
    if not typed["consent"]:
        errors["consent"] = "email_no_consent"
    if errors or form.get("step") != "send" or form.get("checked") != address:
        # first the check: the whole address as it will be sent, and a Send button
        return await show(request, sel, status=400 if errors else 200,
                          email={**typed, "errors": errors, "check": "" if errors else address})
    back = safe_next(form.get("back"))      # a local path only (not /\evil.example)
    # per computer (the real one behind a configured proxy): one desk's burst never stops another's
    wait = web.email_limiter.take(request.client.host if request.client else "?")
    if wait:
        return render(request, "result.html", status=429, outcome="refused",
                      problems=["email_too_many"], masked=mailer.mask(address), reason="",
                      seconds=int(wait) + 1, back=back, delivery=None)
    staff = request.state.session.staff or ""
    try:
        delivery = await run_in_threadpool(
            lambda: mailer.send(web.project, to=address, items=items, lang=lang, paper=sel.paper,
                                large_print=sel.large, staff=staff))
    except HandoutError as exc:
        return render(request, "result.html", status=409, outcome="refused", problems=[],
                      masked=mailer.mask(address), reason="\n".join(problem_lines(exc, web)),
                      back=back, delivery=None)
    return render(request, "result.html", outcome=delivery.status, problems=[],
                  masked=delivery.masked, reason=delivery.reason, back=back,
                  delivery={"id": delivery.message_id, "to": delivery.to})


@view(post=True)
async def cancel(request: Request) -> Response:
    """Take a message that waits in the outbox back: it is never sent."""
    web = web_of(request)
    form = request.state.form
    message_id = (form.get("message") or "")[:200]
    done = bool(message_id) and await run_in_threadpool(mailer.cancel, web.project, message_id)
    return render(request, "result.html", status=200 if done else 409,
                  outcome="cancelled" if done else "not_cancelled", problems=[], masked="",
                  reason="", back=safe_next(form.get("back")), delivery=None)
