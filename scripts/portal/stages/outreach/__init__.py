"""Reaching people where they are (issue 16): the press release draft, the radio script, feeds imported as
directives, notices to the boards and the outreach checks of ``portal audit``."""
