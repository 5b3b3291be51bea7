"""The EHR's requests over real HTTP against the served app: HL7 Infobutton
(Atom and MedlinePlus Connect JSON) and CDS Hooks (discovery and the
patient-view service, with FHIR resources built and validated by
fhir.resources), who may ask, and the rate limit."""

from __future__ import annotations

import io
import json
import re
import time
from urllib.parse import urlencode, urlparse
from xml.etree import ElementTree as ET

import pypdf
import pytest
import yaml
from fhir.resources.bundle import Bundle
from fhir.resources.condition import Condition
from fhir.resources.patient import Patient

from helpers import REPO
from webutil import LiveServer, announce, copy_project, served_copy

ICD = "2.16.840.1.113883.6.90"
SCT = "2.16.840.1.113883.6.96"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
VENOUS = {"cvi-symptoms", "risk-factors"}
TOKEN = "ehr-token-for-tests-0123456789"
PASSWORD = "correct horse battery"
CLINIC = yaml.safe_load((REPO / "content" / "clinic.yaml").read_text("utf-8"))["name"]


def title(lang: str, slug: str) -> str:
    return yaml.safe_load((REPO / "content" / lang / f"{slug}.yaml").read_text("utf-8"))["title"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with served_copy(tmp_path_factory, "clinic", ehr_requests_per_minute=10_000) as server:
        yield server


@pytest.fixture(scope="module")
def staff_site(tmp_path_factory):
    with served_copy(tmp_path_factory, "staffclinic", password=PASSWORD, ehr_token=TOKEN) as server:
        yield server


def infobutton(site, headers=None, **params):
    names = {"c": "mainSearchCriteria.v.c", "cs": "mainSearchCriteria.v.cs",
             "dn": "mainSearchCriteria.v.dn", "lang": "informationRecipient.languageCode.c",
             "type": "knowledgeResponseType"}
    query = urlencode({names.get(k, k): v for k, v in params.items()})
    return site.raw("GET", f"/infobutton?{query}", headers=headers)


def atom_entries(body: bytes) -> list[dict]:
    root = ET.fromstring(body)
    assert root.tag == f"{ATOM}feed"
    for required in ("title", "id", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    out = []
    for e in root.findall(f"{ATOM}entry"):
        links = {l.get("type"): l.get("href") for l in e.findall(f"{ATOM}link")}
        out.append({"lang": e.get(XML_LANG), "title": e.findtext(f"{ATOM}title"),
                    "summary": e.findtext(f"{ATOM}summary"), "links": links,
                    "id": e.findtext(f"{ATOM}id"), "updated": e.findtext(f"{ATOM}updated")})
    return out


def slug_of(url: str) -> tuple[str, str]:
    m = re.fullmatch(r"http://127\.0\.0\.1:\d+/h/([a-z-]+)/([a-z0-9-]+)(/handout\.pdf)?", url)
    assert m, url
    return m.group(1), m.group(2)


def get_url(site, url: str):
    return site.raw("GET", urlparse(url).path)


# ------------------------------------------------------------- Infobutton

def test_i87_2_in_spanish_atom_links_to_the_spanish_cvi_handouts(site):
    status, headers, body = infobutton(site, c="I87.2", cs=ICD, lang="es")
    assert status == 200 and headers["content-type"].startswith("text/xml")
    entries = atom_entries(body)
    assert {slug_of(e["links"]["text/html"]) for e in entries} == {("es", s) for s in VENOUS}
    for e in entries:
        lang, slug = slug_of(e["links"]["text/html"])
        assert e["lang"] == "es" and e["title"] == title("es", slug)
        assert e["links"]["application/pdf"] == e["links"]["text/html"] + "/handout.pdf"
        assert e["summary"] and e["updated"].endswith("Z")
        status, headers, pdf = get_url(site, e["links"]["application/pdf"])
        assert status == 200 and headers["content-type"] == "application/pdf"
        assert str(pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"]) == "es"
        status, _, page = get_url(site, e["links"]["text/html"])
        assert status == 200 and title("es", slug).encode() in page.replace(b"&#39;", b"'")
    assert "folletos" in ET.fromstring(body).findtext(f"{ATOM}title")   # the Spanish catalog's words


def test_i87_2_in_spanish_json_in_medlineplus_connects_shape(site):
    status, headers, body = infobutton(site, c="I87.2", cs=ICD, lang="es", type="application/json")
    assert status == 200 and headers["content-type"].startswith("application/json")
    feed = json.loads(body)["feed"]
    assert feed["title"]["_value"].startswith(CLINIC) and feed["lang"] == "es"
    slugs = set()
    for entry in feed["entry"]:
        hrefs = [link["href"] for link in entry["link"]]
        lang, slug = slug_of(hrefs[0])
        slugs.add(slug)
        assert lang == "es" and entry["lang"] == "es"
        assert entry["title"]["_value"] == title("es", slug)
        assert hrefs[1] == hrefs[0] + "/handout.pdf"
        assert entry["summary"]["_value"]
        assert get_url(site, hrefs[1])[0] == 200
    assert slugs == VENOUS


@pytest.mark.parametrize("code,system", [("G47.62", ICD), ("G4762", ICD), ("g47.62", None),
                                         ("R25.2", ICD)])
def test_leg_cramp_codes_return_leg_cramps(site, code, system):
    params = {"c": code, **({"cs": system} if system else {})}
    entries = atom_entries(infobutton(site, **params)[2])
    assert [slug_of(e["links"]["text/html"]) for e in entries] == [("en", "leg-cramps")]


def test_a_category_in_a_handout_covers_the_codes_under_it_not_the_reverse(site):
    def slugs(**params):
        return {slug_of(e["links"]["text/html"])[1] for e in atom_entries(infobutton(site, **params)[2])}
    assert slugs(c="I83.91", cs=ICD) == VENOUS          # handouts coded I83 (the whole category)
    assert slugs(c="I83.813", cs=ICD) == VENOUS
    assert slugs(c="I87", cs=ICD) == set()              # broader than I87.2: not asked for
    assert slugs(c="R25", cs=ICD) == set()              # R25 is also tremor: not leg cramps
    assert slugs(c="72866009", cs=SCT) == VENOUS
    assert slugs(c="72866009", cs=ICD) == set()         # a SNOMED id is no ICD-10-CM code


@pytest.mark.parametrize("params", [{"c": "Z99.89", "cs": ICD}, {"c": "I87.2", "cs": "1.2.3.4"},
                                    {"c": "not a code"}, {"c": "I87.3", "cs": ICD, "lang": "es"}])
def test_an_unknown_code_is_an_empty_feed(site, params):
    status, _, body = infobutton(site, **params)
    assert status == 200 and atom_entries(body) == []
    status, _, body = infobutton(site, type="application/json", **params)
    assert status == 200 and json.loads(body)["feed"]["entry"] == []


@pytest.mark.parametrize("params", [{}, {"c": ""}, {"c": "  ", "dn": ""}, {"cs": ICD, "lang": "es"}])
def test_no_code_and_no_name_is_a_400_with_a_plain_message(site, params):
    status, headers, body = infobutton(site, **params)
    assert status == 400 and headers["content-type"].startswith("text/plain")
    assert body.decode().strip() == ("Send mainSearchCriteria.v.c (the diagnosis code) or "
                                     "mainSearchCriteria.v.dn (its name).")


def test_the_display_name_is_searched_when_no_code_matches(site):
    entries = atom_entries(infobutton(site, c="G47.69", cs=ICD, dn="Leg cramps at night")[2])
    assert [slug_of(e["links"]["text/html"])[1] for e in entries][:1] == ["leg-cramps"]
    entries = atom_entries(infobutton(site, dn="calambres", lang="es")[2])
    assert slug_of(entries[0]["links"]["text/html"]) == ("es", "leg-cramps")     # best match first


def test_a_missing_language_falls_back_to_english_and_says_so(site):
    entries = atom_entries(infobutton(site, c="G47.62", cs=ICD, lang="fr")[2])
    assert [slug_of(e["links"]["text/html"]) for e in entries] == [("en", "leg-cramps")]
    assert entries[0]["lang"] == "en"
    assert entries[0]["summary"].startswith("Not yet in French: this is the English handout.")
    # A regional tag finds the language: es-MX gets the Spanish handout, no note.
    entries = atom_entries(infobutton(site, c="G47.62", cs=ICD, lang="es-MX")[2])
    assert [slug_of(e["links"]["text/html"]) for e in entries] == [("es", "leg-cramps")]
    assert "Aún no" not in entries[0]["summary"]


def test_parameters_it_does_not_use_are_ignored(site):
    status, _, body = infobutton(site, c="I87.2", cs=ICD, lang="es", type="text/plain",
                                 **{"taskContext.c.c": "PROBLISTREV", "informationRecipient": "PAT",
                                    "performer": "PROV", "age.v.v": "77", "age.v.u": "a",
                                    "administrativeGender.c": "F", "x" * 50: "y" * 5000})
    assert status == 200 and {slug_of(e["links"]["text/html"])[1] for e in atom_entries(body)} == VENOUS


def test_a_browser_asking_for_html_goes_on_to_the_handout(site):
    """knowledgeResponseType=text/html, as OpenEMR's patient education sends a
    browser to MedlinePlus Connect's web application."""
    status, headers, _ = infobutton(site, c="G47.62", cs=ICD, lang="es", type="text/html")
    assert status == 303 and headers["location"] == "/h/es/leg-cramps"
    status, headers, _ = infobutton(site, c="I87.2", cs=ICD, type="text/html")
    assert status == 303 and headers["location"] == "/?q=I87.2"
    status, _, page = site.raw("GET", headers["location"])
    assert status == 200 and title("en", "cvi-symptoms").encode() in page


def test_the_page_search_finds_a_handout_by_its_code(site):
    def slugs(q):
        return json.loads(site.raw("GET", "/search.json?" + urlencode({"q": q}))[2])["slugs"]
    assert set(slugs("I87.2")) == VENOUS and set(slugs("i872")) == VENOUS
    assert set(slugs("I83")) == VENOUS and set(slugs("I83.91")) == VENOUS   # a category, both ways
    assert slugs("G47.62") == ["leg-cramps"] and set(slugs("72866009")) == VENOUS
    assert slugs("I87.3") == [] and slugs("G47.63") == []                   # never a "typo" match


def test_a_handout_file_with_a_problem_is_left_out_and_the_rest_still_answer(tmp_path):
    root = copy_project(REPO, tmp_path)
    (root / "content" / "es" / "leg-cramps.yaml").write_text("title: [unclosed\n", "utf-8")
    with LiveServer(root) as server:
        entries = atom_entries(infobutton(server, c="G47.62", lang="es")[2])
        assert [slug_of(e["links"]["text/html"]) for e in entries] == [("en", "leg-cramps")]
        assert entries[0]["summary"].startswith("Aún no está en español")
        assert {slug_of(e["links"]["text/html"]) for e in
                atom_entries(infobutton(server, c="I87.2", lang="es")[2])} == {("es", s) for s in VENOUS}


# -------------------------------------------------------------- CDS Hooks

def condition(code: str, system="http://hl7.org/fhir/sid/icd-10-cm", status="active", n=1) -> dict:
    resource = Condition(**{
        "resourceType": "Condition", "id": f"c{n}", "subject": {"reference": "Patient/p1"},
        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                       "code": status}]},
        "verificationStatus": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category",
                                  "code": "problem-list-item"}]}],
        "code": {"coding": [{"system": system, "code": code}], "text": "Venous insufficiency"},
    })
    return resource.model_dump(mode="json")


def patient(lang: str | None) -> dict:
    data = {"resourceType": "Patient", "id": "p1", "name": [{"family": "Núñez", "given": ["María"]}]}
    if lang:
        data["communication"] = [
            {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "en"}]}},
            {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": lang}]}, "preferred": True}]
    return Patient(**data).model_dump(mode="json")


def bundle(*conditions: dict) -> dict:
    return Bundle(**{"resourceType": "Bundle", "type": "searchset",
                     "entry": [{"resource": c} for c in conditions]}).model_dump(mode="json")


def hook(prefetch: dict | None = None, **extra) -> dict:
    request = {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
               "fhirServer": "https://ehr.example.org/fhir", "context": {"userId": "Practitioner/1",
                                                                      "patientId": "p1"}}
    if prefetch is not None:
        request["prefetch"] = prefetch
    return {**request, **extra}


def post_hook(site, payload, headers=None, path="/cds-services/handouts"):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return site.raw("POST", path, body, {"Content-Type": "application/json", **(headers or {})})


def test_discovery_lists_a_patient_view_service_with_its_prefetch(site):
    status, headers, body = site.raw("GET", "/cds-services")
    assert status == 200 and headers["content-type"] == "application/json"
    (service,) = json.loads(body)["services"]
    assert service["hook"] == "patient-view" and service["id"] == "handouts"
    assert service["title"] and service["description"]
    assert service["prefetch"] == {
        "patient": "Patient/{{context.patientId}}",
        "conditions": "Condition?patient={{context.patientId}}&clinical-status=active"}


def test_patient_view_with_i87_2_gives_cards_linking_to_the_venous_handouts(site):
    status, headers, body = post_hook(site, hook({"conditions": bundle(condition("I87.2")),
                                                  "patient": patient("es")}))
    assert status == 200 and headers["content-type"] == "application/json"
    cards = json.loads(body)["cards"]
    assert len(cards) == 2
    linked = set()
    for card in cards:
        assert set(card) <= {"uuid", "summary", "detail", "indicator", "source", "links"}
        assert isinstance(card["summary"], str) and 0 < len(card["summary"]) < 140
        assert card["indicator"] == "info"
        assert card["source"]["label"] == CLINIC
        assert "I87.2 Venous insufficiency" in card["detail"]
        for link in card["links"]:
            assert link["type"] == "absolute" and link["label"]
            assert urlparse(link["url"]).scheme == "http"
            lang, slug = slug_of(link["url"])
            linked.add((lang, slug))
            assert get_url(site, link["url"])[0] == 200
        assert title("es", slug) in card["links"][0]["label"]
    assert linked == {("es", s) for s in VENOUS}
    assert len({c["uuid"] for c in cards}) == 2


def test_patient_view_reads_snomed_and_the_patients_language(site):
    sct = condition("72866009", system="http://snomed.info/sct")
    cards = json.loads(post_hook(site, hook({"conditions": bundle(sct), "patient": patient(None)}))[2])["cards"]
    assert {slug_of(c["links"][0]["url"]) for c in cards} == {("en", s) for s in VENOUS}
    cramps = condition("G47.62", n=2)
    cards = json.loads(post_hook(site, hook({"conditions": bundle(cramps, sct),
                                             "patient": patient("fr")}))[2])["cards"]
    assert {slug_of(c["links"][0]["url"]) for c in cards} == {("en", s) for s in VENOUS | {"leg-cramps"}}
    assert all("Not yet in French" in c["detail"] for c in cards)


def test_the_ehrs_condition_names_are_text_in_the_cards_markdown(site):
    named = condition("G47.62")
    named["code"]["text"] = "Cramps [see](http://x.example) *now*"
    (card,) = json.loads(post_hook(site, hook({"conditions": bundle(named)}))[2])["cards"]
    assert r"G47.62 Cramps \[see\]\(http://x.example\) \*now\*" in card["detail"]


def test_inactive_or_refuted_conditions_give_no_cards(site):
    resolved = condition("I87.2", status="resolved")
    refuted = condition("G47.62", n=2)
    refuted["verificationStatus"]["coding"][0]["code"] = "refuted"
    body = post_hook(site, hook({"conditions": bundle(resolved, refuted), "patient": patient("es")}))[2]
    assert json.loads(body) == {"cards": []}


@pytest.mark.parametrize("prefetch", [None, {}, {"conditions": None, "patient": None},
                                      {"patient": None}])
def test_no_prefetch_fetches_nothing_and_gives_no_cards(site, prefetch):
    status, _, body = post_hook(site, hook(prefetch))
    assert status == 200 and json.loads(body) == {"cards": []}


@pytest.mark.parametrize("payload", [
    b"{not json", b"[]", b'"patient-view"', b"\xff\xfe",
    {"hookInstance": "x", "context": {"patientId": "p1"}},
    {"hook": "order-select", "hookInstance": "x", "context": {"patientId": "p1"}},
    {"hook": "patient-view", "context": {"patientId": "p1"}},
    {"hook": "patient-view", "hookInstance": "x"},
    {"hook": "patient-view", "hookInstance": "x", "context": {"patientId": 7}},
    {"hook": "patient-view", "hookInstance": "x", "context": {"patientId": "p1"}, "prefetch": []},
    {"hook": "patient-view", "hookInstance": "x", "context": {"patientId": "p1"},
     "prefetch": {"conditions": "Condition?patient=p1"}},
    {"hook": "patient-view", "hookInstance": "x", "context": {"patientId": "p1"},
     "prefetch": {"patient": {"resourceType": "Practitioner"}}},
])
def test_a_malformed_request_is_a_400_with_a_plain_message(site, payload):
    status, headers, body = post_hook(site, payload)
    assert status == 400 and headers["content-type"].startswith("text/plain")
    message = body.decode().strip()
    assert message and "\n" not in message and "Traceback" not in message


def test_a_form_post_an_unknown_service_and_a_huge_body_are_refused(site):
    form = site.raw("POST", "/cds-services/handouts", b"hook=patient-view",
                    {"Content-Type": "application/x-www-form-urlencoded"})
    assert form[0] == 400 and b"JSON" in form[2]
    assert post_hook(site, hook({}), path="/cds-services/nope")[0] == 404
    # 3 MB announced: refused by its length before a byte of it is read
    assert announce(site, "/cds-services/handouts", 3 * 1024 * 1024, "application/json").startswith(
        b"HTTP/1.1 413")
    assert site.raw("GET", "/cds-services/handouts")[0] == 405


# ------------------------------------------------------------ who may ask

def test_beyond_loopback_only_the_token_or_a_signed_in_session(staff_site):
    path = "/infobutton?mainSearchCriteria.v.c=I87.2"
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    status, headers, _ = staff_site.raw("GET", path, headers=browser)
    assert status == 303 and headers["location"].startswith("/signin?next=")
    assert staff_site.raw("GET", path)[0] == 401                  # a server is not sent to a form
    assert staff_site.raw("GET", "/cds-services")[0] == 401
    assert staff_site.raw("GET", path, headers={"Authorization": "Bearer wrong-token"})[0] == 401
    assert staff_site.raw("GET", path, headers={"Authorization": f"Basic {TOKEN}"})[0] == 401
    status, _, body = staff_site.raw("GET", path, headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 200 and len(atom_entries(body)) == 2
    assert staff_site.raw("GET", "/cds-services", headers={"Authorization": f"Bearer {TOKEN}"})[0] == 200

    payload = hook({"conditions": bundle(condition("I87.2"))})
    status, headers, body = post_hook(staff_site, payload)
    assert status == 401 and headers["www-authenticate"].startswith("Bearer")
    assert b"Bearer" in body and b"Traceback" not in body
    assert post_hook(staff_site, payload, {"Authorization": "Bearer nope"})[0] == 401
    status, _, body = post_hook(staff_site, payload, {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200 and len(json.loads(body)["cards"]) == 2

    # A signed-in staff browser may open the infobutton, but its cookie never
    # authorizes the CDS POST (so no other site can make a browser send one).
    cookie = sign_in(staff_site)
    assert staff_site.raw("GET", path, headers={"Cookie": cookie})[0] == 200
    assert post_hook(staff_site, payload, {"Cookie": cookie})[0] == 401


def sign_in(site) -> str:
    status, headers, body = site.raw("GET", "/signin")
    cookie = headers["set-cookie"].split(";")[0]
    token = re.search(rb'name="csrf" value="([^"]+)"', body).group(1).decode()
    status, headers, _ = site.raw("POST", "/signin", urlencode(
        {"csrf": token, "name": "AB", "password": PASSWORD, "next": "/"}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    assert status == 303, status
    return headers.get("set-cookie", cookie).split(";")[0]


def test_a_flood_is_answered_429_politely(tmp_path):
    root = copy_project(REPO, tmp_path)
    with LiveServer(root, ehr_requests_per_minute=5) as server:
        answers = [infobutton(server, c="I87.2")[0] for _ in range(5)]
        assert answers == [200] * 5
        status, headers, body = infobutton(server, c="I87.2")
        assert status == 429 and 1 <= int(headers["retry-after"]) <= 60
        assert body.decode().startswith("Too many requests. Wait ")
        assert post_hook(server, hook({}))[0] == 429           # the same budget for every EHR door
        assert server.raw("GET", "/h/en/leg-cramps")[0] == 200  # the page itself is not limited


def test_behind_a_named_proxy_links_use_the_public_name_and_https_and_limits_the_real_caller(tmp_path):
    root = copy_project(REPO, tmp_path)
    with LiveServer(root, hosts=("handouts.clinic.example",), proxies=("127.0.0.1",),
                    ehr_requests_per_minute=2) as server:
        def ask(caller):
            return server.raw("GET", "/infobutton?mainSearchCriteria.v.c=G47.62&knowledgeResponseType="
                              "application/json", headers={"Host": "handouts.clinic.example",
                                                           "X-Forwarded-Proto": "https",
                                                           "X-Forwarded-For": caller})
        status, _, body = ask("203.0.113.9")
        assert status == 200
        (entry,) = json.loads(body)["feed"]["entry"]
        assert [link["href"] for link in entry["link"]] == [
            "https://handouts.clinic.example/h/en/leg-cramps",
            "https://handouts.clinic.example/h/en/leg-cramps/handout.pdf"]
        assert ask("203.0.113.9")[0] == 200 and ask("203.0.113.9")[0] == 429
        assert ask("198.51.100.7")[0] == 200                   # another caller has its own budget
        status, _, _ = server.raw("GET", "/infobutton?mainSearchCriteria.v.c=G47.62",
                                  headers={"Host": "elsewhere.example"})
        assert status == 400                                    # not one of the page's names
