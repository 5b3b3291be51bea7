"""The content and brand schema: strict, validated, frozen, one concern a module.

- ``fields``: the shared field types (lengths, colours, paper, language codes)
- ``article``: one handout's words (``content/<lang>/<slug>.yaml``)
- ``clinic``: the brand (``content/clinic.yaml``)
- ``settings``: the ``smtp:`` block of clinic.yaml
- ``validate``: pydantic's errors turned into ``path:line: field: message``

Unknown keys are errors (they are almost always typos). Every problem in a
file is reported at once. The schema imports neither mail, the page nor the
command line (tests/test_architecture.py).
"""
