"""Diagnosis codes: ICD-10-CM and SNOMED CT, their shapes, and matching.

Pure functions on strings, with no other import from handouts, so the article
schema can check a ``codes:`` line without loading the rest of this package.

Matching (``covers``): a handout's ICD-10-CM code covers that code and every
code below it, so ``I83`` in a handout answers an EHR's ``I83.91`` (varicose
veins of the right leg, asymptomatic), but a handout coded ``I83.91`` does not
answer a bare ``I83``: an EHR that asks for a broad category gets only the
handouts written for all of it. SNOMED CT identifiers carry no hierarchy in
their digits, so they match only exactly.
"""

from __future__ import annotations

import re

ICD10CM = "icd10cm"
SNOMED = "snomed"
SYSTEMS = (ICD10CM, SNOMED)

#: HL7 object identifiers (Infobutton's mainSearchCriteria.v.cs).
OIDS = {ICD10CM: "2.16.840.1.113883.6.90", SNOMED: "2.16.840.1.113883.6.96"}
#: FHIR system URIs (Condition.code.coding.system).
URIS = {ICD10CM: "http://hl7.org/fhir/sid/icd-10-cm", SNOMED: "http://snomed.info/sct"}
#: How a person names them.
NAMES = {ICD10CM: "ICD-10-CM", SNOMED: "SNOMED CT"}

ICD_RE = re.compile(r"[A-Z][0-9][A-Z0-9](\.[A-Z0-9]{1,4})?\Z")
SNOMED_RE = re.compile(r"[1-9][0-9]{5,17}\Z")

# Verhoeff's tables: multiplication in the dihedral group D5, and the position
# permutations (each the first one applied once more).
_D = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
      [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
      [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
      [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
      [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
_P1 = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]
_P = [list(range(10))]
for _ in range(7):
    _P.append([_P[-1][_P1[j]] for j in range(10)])


def verhoeff_ok(digits: str) -> bool:
    """True when the last digit is the Verhoeff check digit of the others."""
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _D[c][_P[i % 8][int(ch)]]
    return c == 0


def normalize(system: str, code: str) -> str:
    """The code as handouts stores it: ICD-10-CM upper case with its dot after
    the third character (EHRs send ``i872`` and ``I87.2`` alike); SNOMED CT
    digits as they are."""
    code = code.strip()
    if system == ICD10CM:
        code = code.upper()
        if "." not in code and len(code) > 3:
            code = code[:3] + "." + code[3:]
    return code


def problem(system: str, code: str) -> str | None:
    """Why ``code`` is not a well-formed code of ``system`` (None: it is)."""
    if system == ICD10CM:
        if code.endswith(".-") or code.endswith("-"):
            return (f"{code} is written as a category; write the category alone "
                    f"(such as {code.rstrip('.-')}): it covers every code under it")
        if not ICD_RE.match(code):
            return (f"{code!r} is not an ICD-10-CM code: a letter, a digit, a letter or digit, "
                    "then optionally a dot and 1 to 4 more (such as I87.2 or I83)")
        return None
    if system == SNOMED:
        if not SNOMED_RE.match(code):
            return (f"{code!r} is not a SNOMED CT concept id: 6 to 18 digits, not starting with 0 "
                    "(such as 72866009)")
        if not verhoeff_ok(code):
            return (f"{code} fails the SNOMED CT check digit (its last digit), so it has a typo; "
                    "copy the concept id again from the SNOMED CT browser")
        return None
    return f"{system!r} is not a code system handouts knows; use {' or '.join(SYSTEMS)}"


def system_named(value: str | None) -> str | None:
    """The system an OID, a FHIR URI or a short name means (None: unknown)."""
    if not value:
        return None
    v = value.strip()
    if v.lower().startswith("urn:oid:"):
        v = v[8:]
    for system in SYSTEMS:
        if v in (OIDS[system], URIS[system]) or v.lower() == system:
            return system
    return None


def key(code: str) -> str:
    """ICD-10-CM without its dot, for prefix comparisons."""
    return code.replace(".", "").upper()


def covers(system: str, handout_code: str, asked: str) -> bool:
    """Whether a handout coded ``handout_code`` answers a request for ``asked``
    (both normalized codes of ``system``)."""
    if system == ICD10CM:
        return key(asked).startswith(key(handout_code))
    return asked == handout_code
