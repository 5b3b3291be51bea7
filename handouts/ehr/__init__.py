"""What an electronic health record asks for: the handouts for a diagnosis.

``codes`` (the code systems, their shapes and how a handout's code covers the
EHR's), ``infobutton`` (HL7 URL-based Infobutton: an Atom or JSON feed) and
``cdshooks`` (CDS Hooks discovery and patient-view cards). They use the
article library and never import the CLI or the web layer; ``web/views/ehr.py``
only mounts them.
"""
