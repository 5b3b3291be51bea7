"""Print straight to the clinic's printer: where clinic.yaml names a CUPS
queue (``printer:``), the page's Print sends the PDF there with ``lp`` and
the copies chosen on the page, and says so. Without one, Print opens the
browser's print dialog from the page (app.js) and the log says only that.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from handouts import printing
from handouts.errors import HandoutError
from handouts.web.pages import error, problem_lines, render, safe_next, view, web_of
from handouts.web.views.selection import choose, draft_preview, drafts, pdf_of


def _copies(value) -> int | None:
    try:
        copies = int(value or "1")
    except ValueError:
        return None
    return copies if 1 <= copies <= printing.MAX_COPIES else None


@view(post=True)
async def send(request: Request) -> Response:
    web = web_of(request)
    form = request.state.form
    sel = choose(web, form)
    if not sel or not sel.items:
        return error(request, 404)
    if drafts(web, sel) and not draft_preview(web):   # a draft is not printed for a patient
        return error(request, 403, "draft_help")
    back = safe_next(form.get("back"))
    queue = web.renderer.printer()
    if not queue:
        return error(request, 409, "print_no_printer")
    copies = _copies(form.get("copies"))
    if copies is None:
        return render(request, "printed.html", status=400, ok=False, queue=queue, copies=0,
                      reason="", problem="print_bad_copies", back=back)
    title = "-".join(f"{lang}-{slug}" for lang, slug in sel.items)
    try:
        data = await run_in_threadpool(pdf_of, web, sel)
        job = await run_in_threadpool(printing.send, queue, data, copies, title, sel.paper)
    except HandoutError as exc:
        return render(request, "printed.html", status=409, ok=False, queue=queue, copies=copies,
                      reason="\n".join(problem_lines(exc, web)), problem="print_failed", back=back)
    await run_in_threadpool(web.events.add, request.state.session.staff or "", "print",
                            list(sel.items), f"printer:{queue}:{copies}:{job}")
    return render(request, "printed.html", ok=True, queue=queue, copies=copies, reason="",
                  problem="", back=back)
