"""The province's monthly scoring of every portal (issue 17; the 2024 content plan, tasks 12 and 13).

- :mod:`~portal.score.rubric`: ``scoring.yaml``, the rubric as data, validated;
- :mod:`~portal.score.adjustments`: the board's manual adjustments, ``scoring/adjustments/YYYY-MM.yaml``;
- :mod:`~portal.score.months`: months in the network's time zone;
- :mod:`~portal.score.ledger`: when each content file first reached the main branch (Git history);
- :mod:`~portal.score.items`: the items of a month, each with its weight (near-duplicates, short items);
- :mod:`~portal.score.similarity`: near-duplicates, the editors' tf-idf cosine;
- :mod:`~portal.score.required`: the required items (the interface ``portal audit`` plugs into);
- :mod:`~portal.score.interaction`: the interaction service's monthly export, when there is one;
- :mod:`~portal.score.compute`: the scores of a month; :mod:`~portal.score.review`: the year;
- :mod:`~portal.score.report`: JSON, CSV, XLSX; :mod:`~portal.score.charts`: static SVG charts;
- :mod:`~portal.score.board`: the data the provincial portal's scoreboard pages are built from.

This layer imports :mod:`portal.model` and :mod:`portal.stages` only.
"""
