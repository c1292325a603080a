"""korwatch's email and page templates (Jinja2), shipped inside the package as `korwatch.templates`.

Each email kind is three files per language in `nl/` and `en/`: `KIND.subject.txt`, `KIND.txt`
and `KIND.html`; `_parts.*` hold pieces they share, `_layout.html` and `_report.css` the look of
the HTML emails and the report. To change what an email says, copy the file into the folder
named by `templates_dir` in the config and edit the copy: korwatch looks there first. (This file
exists only so that the folder installs as a package; it holds no code.)
"""
