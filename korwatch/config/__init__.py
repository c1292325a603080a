"""The configuration file (TOML) as frozen dataclasses.

`model.py` the dataclasses every other part reads; `load.py` finds, reads and validates the file
(every problem at once, with its key path; secrets by reference); `rules.py` a business's rule
keys; `schedule.py` the schedule expressions shared with the daemon.

May import: korwatch.tax (rule settings), korwatch.formats (format names, user CSV profiles),
korwatch.sources (source kinds), korwatch.configtable and below.
"""
