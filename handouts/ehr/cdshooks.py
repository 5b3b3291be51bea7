"""CDS Hooks: a ``patient-view`` service whose cards are the clinic's own
handouts for the patient's active conditions, in the patient's language.

The EHR prefetches what the service needs (discovery says what): the
patient's active Conditions and the Patient. This service never calls the
EHR's FHIR server: without a prefetch it answers no cards. See docs/ehr.md.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from handouts.ehr import answers, codes
from handouts.project import Project

SERVICE_ID = "handouts"
HOOK = "patient-view"
PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}&clinical-status=active",
}
#: The largest request body read (a patient's conditions fit many times over).
MAX_BODY = 2 * 1024 * 1024
SUMMARY_LIMIT = 139              # CDS Hooks: "less than 140 characters"
#: Condition.clinicalStatus codes that count as active.
ACTIVE = {"active", "recurrence", "relapse"}
#: Condition.verificationStatus codes that mean "not this patient's".
NOT_SO = {"refuted", "entered-in-error"}


class HookError(Exception):
    """A malformed request (400), with a plain message."""


def discovery(project: Project, ui_lang: str) -> dict:
    words = answers.Words(project, ui_lang)
    clinic = answers.clinic_name(project)
    return {"services": [{
        "hook": HOOK,
        "id": SERVICE_ID,
        "title": words("service_title", clinic=clinic),
        "description": words("service_description"),
        "prefetch": dict(PREFETCH),
    }]}


def read_request(body: bytes, words: answers.Words) -> dict:
    """The request's JSON, checked enough to answer it."""
    if len(body) > MAX_BODY:
        raise HookError(words("error_too_big", limit=MAX_BODY))
    try:
        request = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise HookError(words("error_json")) from None
    if not isinstance(request, dict):
        raise HookError(words("error_json"))
    hook = request.get("hook")
    if not isinstance(hook, str) or not hook:
        raise HookError(words("error_field", field="hook"))
    if hook != HOOK:
        raise HookError(words("error_hook", hook=json.dumps(hook)[:80]))
    if not isinstance(request.get("hookInstance"), str) or not request["hookInstance"]:
        raise HookError(words("error_field", field="hookInstance"))
    context = request.get("context")
    if not isinstance(context, dict) or not isinstance(context.get("patientId"), str) \
            or not context["patientId"]:
        raise HookError(words("error_field", field="context.patientId"))
    prefetch = request.get("prefetch")
    if prefetch is None:
        return request
    if not isinstance(prefetch, dict):
        raise HookError(words("error_field", field="prefetch as a JSON object"))
    for key, allowed in (("conditions", ("Bundle", "Condition")), ("patient", ("Patient",))):
        value = prefetch.get(key)
        if value is not None and not (isinstance(value, dict) and value.get("resourceType") in allowed):
            raise HookError(words("error_prefetch", key=key, kind=allowed[0]))
    return request


def conditions(prefetched: dict | None) -> list[dict]:
    """The Condition resources of a prefetched search Bundle (or one Condition)."""
    if not prefetched:
        return []
    if prefetched.get("resourceType") == "Condition":
        return [prefetched]
    out = []
    for item in prefetched.get("entry") or []:
        resource = item.get("resource") if isinstance(item, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == "Condition":
            out.append(resource)
    return out


def _codes_of(concept: Any) -> list[str]:
    if not isinstance(concept, dict):
        return []
    return [c.get("code") for c in concept.get("coding") or [] if isinstance(c, dict)
            and isinstance(c.get("code"), str)]


def active(condition: dict) -> bool:
    """Active unless its clinical status says otherwise (the EHR's search
    already asked for active ones), and not refuted or entered in error."""
    status = _codes_of(condition.get("clinicalStatus"))
    if status and not set(status) & ACTIVE:
        return False
    return not set(_codes_of(condition.get("verificationStatus"))) & NOT_SO


def asked_of(condition: dict) -> list[answers.Asked]:
    """Every ICD-10-CM and SNOMED CT coding of a Condition."""
    out = []
    concept = condition.get("code")
    if not isinstance(concept, dict):
        return out
    label = concept.get("text") if isinstance(concept.get("text"), str) else ""
    for coding in concept.get("coding") or []:
        if not isinstance(coding, dict):
            continue
        system = codes.system_named(coding.get("system") if isinstance(coding.get("system"), str) else None)
        code = coding.get("code")
        if system and isinstance(code, str):
            name = label or (coding.get("display") if isinstance(coding.get("display"), str) else "")
            out.extend(answers.asked(system, code, name[:120]))
    return out


def patient_language(patient: dict | None) -> str:
    """Patient.communication: the preferred language, else the first one,
    else English."""
    if not patient:
        return answers.FALLBACK
    comms = [c for c in patient.get("communication") or [] if isinstance(c, dict)]
    comms.sort(key=lambda c: c.get("preferred") is not True)
    for comm in comms:
        for code in _codes_of(comm.get("language")):
            return answers.language(code)
    return answers.FALLBACK


def cards(project: Project, request: dict, base: str, ui_lang: str) -> dict:
    """The cards for a checked request: one per handout that covers one of
    the patient's active conditions, linking to it in the patient's language."""
    prefetch = request.get("prefetch") or {}
    found = [(a, c) for c in conditions(prefetch.get("conditions")) if active(c) for a in asked_of(c)]
    if not found:
        return {"cards": []}
    lang = patient_language(prefetch.get("patient"))
    words = answers.Words(project, ui_lang)
    clinic = answers.clinic_name(project)
    out = []
    for handout in answers.handouts(project):
        why = [a for a, _ in found if handout.covers(a)]
        if why:
            out.append(_card(answers.choose(handout, lang), why, words, clinic, base,
                             request["hookInstance"]))
    return {"cards": out}


def _plain_markdown(text: str) -> str:
    """The EHR's own condition names as text in a card's Markdown ``detail``."""
    return "".join("\\" + ch if ch in "\\`*_[]()<>#|!~" else ch for ch in text)


def _card(chosen: answers.Chosen, why: list[answers.Asked], words: answers.Words, clinic: str,
          base: str, instance: str) -> dict:
    title = chosen.article.title
    language = words.language_name(chosen.lang)
    conditions_text = _plain_markdown(", ".join(dict.fromkeys(a.shown for a in why)))
    if chosen.fallback:
        detail = words("card_detail_fallback", conditions=conditions_text,
                       language=words.language_name(chosen.asked_lang), fallback=language)
    else:
        detail = words("card_detail", conditions=conditions_text, language=language)
    summary = words("card_summary", title=title)
    if len(summary) > SUMMARY_LIMIT:
        summary = summary[:SUMMARY_LIMIT - 1].rstrip() + "…"
    return {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{instance}/{chosen.lang}/{chosen.slug}")),
        "summary": summary,
        "detail": detail,
        "indicator": "info",
        "source": {"label": clinic, "url": base},
        "links": [
            {"label": words("link_page", title=title, language=language),
             "url": answers.page_url(base, chosen), "type": "absolute"},
            {"label": words("link_pdf", title=title, language=language),
             "url": answers.pdf_url(base, chosen), "type": "absolute"},
        ],
    }
