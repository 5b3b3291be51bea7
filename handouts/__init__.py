"""handouts: printable, accessible one-page patient handouts.

Data flows one way: YAML -> validated model -> sandboxed Jinja -> handout
markup -> ReportLab flowables -> PDF. Each module owns one step.
"""

__version__ = "0.1.0"
