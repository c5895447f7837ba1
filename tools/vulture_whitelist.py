"""vulture's false positives: names used where vulture cannot see them (`make lint` runs
vulture with this file; Flask routes and handlers are left out by --ignore-decorators in the
Makefile). Never run; each line names one use."""

# ruff: noqa

Worker  # gunicorn's --worker-class service.web.worker.Worker
dataset_title  # templates/concept.html reads pages_concept.Amount's
column_title
yuan_text
concept_href
label_sort  # templates/_table.html reads pages_present.Layout's
ensure_ascii  # flask's JSON provider setting (service/__init__.py)
row_factory  # sqlite3 connections (query/search_index.py)
last_modified  # werkzeug responses (web/http.py, web/downloads.py)
write_error  # gunicorn.util's, replaced (web/errors.py)
font  # openpyxl cells and sheets (web/sheets.py)
freeze_panes
number_format
ref
data_type
protocol_version  # http.server's request handler (store_process.py)
do_GET
do_POST
close_connection
log_message
daemon_threads  # socketserver
modified_ns  # lru_cache keys: a file's mtime makes a changed file a new entry
pytestmark  # pytest reads a module's marks
_address_space_restored  # an autouse fixture (tests/conftest.py)
handle_starttag  # html.parser.HTMLParser's callbacks (tests/test_pages.py)
handle_endtag
handle_data
kwargs  # stand-ins that take whatever the function they replace takes
_objects  # pdfplumber's Page.objects cache, given PDFium's objects (ingest/pdf/pdfium_page.py)
