from hypothesis import given, strategies as st

from blogreader.normalize.urls import canonical_url


def test_host_case_fragment_default_port_and_tracking_parameters():
    assert canonical_url("HTTPS://Example.COM:443/Post?utm_source=x&id=3&fbclid=abc#section") == "https://example.com/Post?id=3"
    assert canonical_url("http://example.com:8080") == "http://example.com:8080/"
    assert canonical_url("https://example.com/a?b=1&a=2") == "https://example.com/a?b=1&a=2"


def test_arxiv_abs_pdf_and_versions_are_one_paper():
    expected = "https://arxiv.org/abs/2401.12345"
    for variant in [
        "https://arxiv.org/abs/2401.12345",
        "http://arxiv.org/abs/2401.12345v3",
        "https://arxiv.org/pdf/2401.12345",
        "https://arxiv.org/pdf/2401.12345v2.pdf",
        "https://www.arxiv.org/abs/2401.12345v1#comments",
        "https://export.arxiv.org/abs/2401.12345",
        "https://arxiv.org/html/2401.12345v1",
    ]:
        assert canonical_url(variant) == expected, variant
    assert canonical_url("https://arxiv.org/abs/cs/0112017v1") == "https://arxiv.org/abs/cs/0112017"


def test_unparseable_input_is_returned_unchanged():
    assert canonical_url("not a url") == "not a url"
    assert canonical_url("http://[::1") == "http://[::1"


urls = st.builds(
    lambda scheme, host, path, query, fragment: f"{scheme}://{host}{path}{query}{fragment}",
    st.sampled_from(["http", "https", "HTTP"]),
    st.from_regex(r"[A-Za-z0-9-]{1,12}(\.[A-Za-z]{2,5}){1,2}", fullmatch=True),
    st.from_regex(r"(/[A-Za-z0-9._~%-]{0,8}){0,3}", fullmatch=True),
    st.from_regex(r"(\?([a-z_]{1,6}=[a-z0-9]{0,4})(&[a-z_]{1,6}=[a-z0-9]{0,4}){0,2})?", fullmatch=True),
    st.from_regex(r"(#[a-z]{0,5})?", fullmatch=True),
)


@given(urls)
def test_canonicalization_is_idempotent(url):
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert "#" not in once and "utm_" not in once


@given(st.text(max_size=80))
def test_canonicalization_never_crashes(text):
    assert isinstance(canonical_url(text), str)
