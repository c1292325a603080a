"""The shared safe-XML reader: no DTD, no entity expansion, no fetching, errors as ParseError."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from korwatch.errors import ParseError
from korwatch.formats.safexml import DTD_REFUSED, check_no_dtd, iterparse

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<Document><Ntry><Amt>&lol9;</Amt></Ntry></Document>
"""


def write(tmp_path: Path, text: str | bytes, name: str = "doc.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def elements(path: Path, tag: str = "{*}Ntry") -> list[str]:
    return [(element.findtext("{*}Amt") or "") for _, element in iterparse(path, [tag])]


def test_a_billion_laughs_document_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, BILLION_LAUGHS)
    with pytest.raises(ParseError, match=DTD_REFUSED) as raised:
        elements(path)
    assert raised.value.line == 2


def test_an_external_file_entity_is_refused_and_never_read(tmp_path: Path) -> None:
    secret = write(tmp_path, "TOP-SECRET", "secret.txt")
    path = write(
        tmp_path,
        f'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        "<Document><Ntry><Amt>&x;</Amt></Ntry></Document>\n",
    )
    with pytest.raises(ParseError, match=DTD_REFUSED):
        elements(path)


def test_an_external_http_entity_is_refused_and_never_fetched(tmp_path: Path) -> None:
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"FETCHED")

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/entity"
        path = write(
            tmp_path,
            f'<!DOCTYPE d [<!ENTITY x SYSTEM "{url}">]>\n'
            "<Document><Ntry><Amt>&x;</Amt></Ntry></Document>\n",
        )
        with pytest.raises(ParseError, match=DTD_REFUSED):
            elements(path)
        # Even past the prolog check, the parser options must not fetch or expand.
        from lxml import etree

        parser = etree.iterparse(str(path), resolve_entities=False, no_network=True, load_dtd=False)
        texts = [element.text for _, element in parser if element.tag == "Amt"]
        assert "FETCHED" not in "".join(text or "" for text in texts)
    finally:
        server.shutdown()
    assert requests == []


def test_a_doctype_hidden_after_comments_and_a_bom_is_found(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- a <Document> inside a comment -->\n"
        b"<!doctype Document>\n<Document/>",
    )
    with pytest.raises(ParseError, match=DTD_REFUSED):
        check_no_dtd(path)


def test_a_utf16_doctype_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '<!DOCTYPE d [<!ENTITY x "y">]><Document/>'.encode("utf-16"))
    with pytest.raises(ParseError, match=DTD_REFUSED):
        check_no_dtd(path)


def test_a_document_with_comments_and_processing_instructions_passes(tmp_path: Path) -> None:
    path = write(
        tmp_path, '<?xml version="1.0"?>\n<!-- ok -->\n<?pi x?>\n<D><Ntry><Amt>1</Amt></Ntry></D>'
    )
    check_no_dtd(path)
    assert elements(path) == ["1"]


def test_a_truncated_document_is_a_parse_error_naming_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "<D>\n<Ntry><Amt>1</Amt></Ntry>\n<Ntry><Amt>2</A")
    with pytest.raises(ParseError, match="malformed") as raised:
        elements(path)
    assert raised.value.line == 3


def test_latin1_bytes_in_a_utf8_declared_file_are_read_as_iso_8859_15_once(
    tmp_path: Path,
) -> None:
    # ABN AMRO style: declared UTF-8, written in Latin-1, the bad byte after a first element.
    body = '<?xml version="1.0" encoding="UTF-8"?>\n<D><Ntry><Amt>1</Amt></Ntry>\n'
    tail = "<Ntry><Amt>Café €</Amt></Ntry></D>\n"
    path = write(tmp_path, body.encode("ascii") + tail.encode("iso-8859-15"))
    assert elements(path) == ["1", "Café €"]


def test_a_declared_latin1_file_is_read_with_its_encoding(tmp_path: Path) -> None:
    text = '<?xml version="1.0" encoding="ISO-8859-1"?><D><Ntry><Amt>Müller</Amt></Ntry></D>'
    path = write(tmp_path, text.encode("iso-8859-1"))
    assert elements(path) == ["Müller"]


def test_a_missing_file_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError):
        elements(tmp_path / "missing.xml")


CAMT = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


def tags(path: Path) -> list[tuple[str, str]]:
    """(tag, first child's tag) of every Ntry read with plain_tags."""
    return [
        (str(element.tag), str(element[0].tag))
        for _, element in iterparse(path, ["{*}Ntry"], plain_tags=True)
    ]


def test_plain_tags_drop_the_default_namespace_without_moving_lines_or_columns(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, f'<?xml version="1.0"?>\n<D xmlns="{CAMT}"><Ntry><Amt>1</Amt></Ntry>')
    with pytest.raises(ParseError) as as_written:
        list(iterparse(path, ["{*}Ntry"]))
    with pytest.raises(ParseError, match="line 2, column 84") as plain:
        tags(path)  # truncated: lxml names the positions of the original bytes
    assert (str(plain.value), plain.value.line) == (str(as_written.value), 2)
    path = write(tmp_path, f'<D xmlns="{CAMT}" xmlns:xsi="x"><Ntry><Amt>1</Amt></Ntry></D>')
    assert tags(path) == [("Ntry", "Amt")]


@pytest.mark.parametrize(
    "document",
    [
        # a prefix bound to the same namespace: the prefixed elements would stay in it
        f'<D xmlns="{CAMT}" xmlns:c="{CAMT}"><Ntry><c:Amt>1</c:Amt></Ntry></D>',
        # a declaration below the root: the elements under it must keep their namespace
        f'<D xmlns="{CAMT}"><Ntry><Amt xmlns="{CAMT}">1</Amt></Ntry></D>',
    ],
)
def test_plain_tags_keep_namespaces_where_dropping_one_would_change_the_tree(
    tmp_path: Path, document: str
) -> None:
    assert tags(write(tmp_path, document)) == [(f"{{{CAMT}}}Ntry", f"{{{CAMT}}}Amt")]


def test_a_namespace_declared_far_below_the_root_restarts_the_parse_once(tmp_path: Path) -> None:
    # The declaration is past the first read, after entries were already yielded plain.
    entries = "".join(f"<Ntry><Amt>{number}</Amt></Ntry>\n" for number in range(3000))
    late = f'<Ntry xmlns="{CAMT}"><Amt>late</Amt></Ntry>'
    path = write(tmp_path, f'<D xmlns="{CAMT}">{entries}{late}</D>')
    read = [
        (str(element.tag), element.findtext("{*}Amt"))
        for _, element in iterparse(path, ["{*}Ntry"], plain_tags=True)
    ]
    assert [amount for _, amount in read] == [*map(str, range(3000)), "late"]
    assert read[-1][0] == f"{{{CAMT}}}Ntry"


def test_plain_tags_leave_a_utf16_document_as_written(tmp_path: Path) -> None:
    text = f'<D xmlns="{CAMT}"><Ntry><Amt>1</Amt></Ntry></D>'
    assert tags(write(tmp_path, text.encode("utf-16"))) == [(f"{{{CAMT}}}Ntry", f"{{{CAMT}}}Amt")]


@pytest.mark.timeout(20)
def test_a_prolog_of_many_processing_instructions_does_not_stall_plain_tags(
    tmp_path: Path,
) -> None:
    # A root start tag past the first 64 KB after 40 PIs made the old prolog regex backtrack
    # exponentially (found in review): it must now give up on plain tags at once.
    padding = "x" * 70_000
    document = (
        '<?xml version="1.0"?>' + "<?a?>" * 40 + f'<D xmlns="{CAMT}" pad="{padding}">'
        "<Ntry><Amt>1</Amt></Ntry></D>"
    )
    assert tags(write(tmp_path, document)) == [(f"{{{CAMT}}}Ntry", f"{{{CAMT}}}Amt")]


@pytest.mark.parametrize(
    "namespace",
    ["urn:iso 20022", "caf\u00e9:x", "http://www.w3.org/2000/xmlns/", "urn:a\u0001b"],
)
def test_a_namespace_name_lxml_refuses_is_refused_with_plain_tags_too(
    tmp_path: Path, namespace: str
) -> None:
    path = write(tmp_path, f'<D xmlns="{namespace}"><Ntry><Amt>1</Amt></Ntry></D>')
    with pytest.raises(ParseError) as as_written:
        list(iterparse(path, ["{*}Ntry"]))
    with pytest.raises(ParseError) as plain:
        tags(path)
    assert str(plain.value) == str(as_written.value)
