"""The readers give exactly what they gave before their speed-up (issue 14): the canonical frame,
its dtypes and every ``attrs`` entry (control totals, skipped rows, tolerated counts, date orders,
warning texts) and the warnings emitted, on

* every sample export (``data/sample/exports/``, Sage and Odoo layouts);
* a generated Sage-layout export of about 25 000 items with every tolerated oddity (formula cells
  with their saved result, hidden rows, a merged title, text dates proving the day-first order,
  serial numbers, text amounts, blank due dates, due dates before the document date, zero
  balances) spread over several chunks of the sheet XML scan;
* a generated Odoo-style CSV export (``;``, cp1252, text dates and French text amounts, partner
  title rows, repeated headers, cumulated balances);
* generated FECs of about 20 000 lines (tab with ``DateEcheance``; ``|`` in cp1252 with
  ``Montant``/``Sens`` and due dates from the customers' terms), read at three dates, with their
  payments;
* every case of the hostile corpus (tests/data/make_corpus.py) read by the open-item and FEC
  readers: the full text of each error, or the warnings and the frame.

Each input is reduced to a JSON text (columns, dtypes, values, attrs, warnings; the temporary
folder replaced by ``<tmp>``) whose SHA-256 is compared with the digest stored below.

**How the digests were obtained.** ``python tests/io/test_reader_fingerprint.py`` prints the
digests of the code it runs with. It was run on the readers as they were before issue 14
(``relance_analytics/io/{open_items,workbook,parse,date_cells,fec}.py`` at commit e2b1616) and
its output pasted below; the speed-up left them unchanged. The inputs are generated with
``random.Random`` (a stable stream) and written by xlsxwriter: their content does not depend on
versions. A digest that changes means a reader now gives something else: find out what with
``dump()`` on both versions before touching a digest (regenerate only for a deliberate change of
a reader's output, or of the sample exports or of the corpus).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from relance_analytics.errors import InputError, InputWarning
from relance_analytics.io.fec import load_fec
from relance_analytics.io.open_items import read_open_items

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:          # run as a script
    sys.path.insert(0, str(ROOT))

from tests.data.make_corpus import F, Serial, Sheet, build_cases, build_corpus, write_xlsx  # noqa: E402
from tests.fingerprints import columns_dump, plain_value  # noqa: E402

SAMPLE_EXPORTS = ROOT / "data" / "sample" / "exports"
AS_OF = dt.date(2026, 11, 20)

# ---------------------------------------------------------------------------------------------
# the digests (see the module docstring)
# ---------------------------------------------------------------------------------------------
EXPECTED: dict[str, str] = {
    'corpus/csv_binary_named_csv.csv': '83e28af3bfbd9b73d1381f92bc5384924aa799e011fc753786e8efd6ae5ec2f0',
    'corpus/csv_cp1252_semicolon.csv': 'e7cb07f61a83451a372a947a768d91deea729aec43e3182be80d3c1dcc349abd',
    'corpus/csv_duplicate_document.csv': 'c3a10029d92c8264f685e305146dcedbe788da3d712785fbc5cfa2d445a2d00f',
    'corpus/csv_mapping_header_typo.csv': '1ab2dd45a20cb13cc4559e5f1f592029703682d36a2d4fbd20392bef659cb1b4',
    'corpus/csv_missing_column.csv': '20c16aa19af5f1604deefc0bdb868d3384c73c8dba77530c2f2703883a881383',
    'corpus/csv_mixed_date_orders.csv': '710478de56f42ab5fffee3f0196ec3c0e530ef4fb58242901a309613e04f347e',
    'corpus/csv_noisy_amount.csv': '393ba0de53ee4ee2d6047ed60721cc81da9ef0dd27b626b91e8f4b59b781a6a0',
    'corpus/csv_sens_d_c.csv': '2cb1aa9dcc45ffdc2c841890395934dfae0c436008c3cbc8389dc541f680aa3a',
    'corpus/csv_text_in_debit.csv': '2469d71c17311096e315f43d72af9c9b8ab114a106ee0f1b497999e25ca15c77',
    'corpus/csv_totals_mismatch.csv': '235526bd4818c41b193863aaadbf0c428e6f89f41fc0b2a82f700f9aee61957d',
    'corpus/csv_two_currencies.csv': '7da11a75d7d03d970739da2777d5b00bbd0b821d5f329872ffdae0289d0bede8',
    'corpus/csv_two_currencies_one_total.csv': 'f68edb3f9d80ff84d2fb38441363754c7859d1e35edb93b9f95ab65eb8f34f76',
    'corpus/csv_unbalanced_quote.csv': '264f1fe7bc7f91405f8b7e769245fab61d3b8e38421e4ddf9ec85e8f39d26e72',
    'corpus/csv_unparseable_date.csv': '7daf263da58640b7afd20eaddd498af42edbe150fd0eeec2aa154d8ba4a9d4b3',
    'corpus/csv_us_dates_ambiguous.csv': '67b0c95493da18836a2e3d676006e32412d3848cc4f77de5b900746aad2c2dba',
    'corpus/csv_us_dates_stated.csv': '7ef0a9b7173d92f805c940649a6ea2e368cc4c31ed359bce1ba83c7a98e61f02',
    'corpus/csv_us_dates_unambiguous.csv': 'dd8f8a4e022b5806a0867fb6d499c4cab7163e262d8ef3ac76445d137170238e',
    'corpus/csv_utf16_tab.txt': '01c3c2974315c8110d683ed5d848173c48dd9934fcee4e0f8f1832413af35ef3',
    'corpus/csv_utf8_bom_semicolon.csv': '4a7594ba35a4fb551fed4a14313c1ccc4169bbbbc62c6226627849b8cc79edcb',
    'corpus/fec_entry_without_date.txt': '1263e9a26e74b38a2fed54c72efd39d29a97707259c1fc004d9eaaff0c9602bb',
    'corpus/fec_lettering_without_date.txt': '543709487c2e3acea3586c0de500d270e422e1cacec6de3fb5edcf54aa859300',
    'corpus/fec_no_customer_line.txt': '2bede51f493d2749d4d055a3d54ec2210bfcd64ad9907b6b6958cf7ee8e38a6d',
    'corpus/fec_partial_lettering.txt': 'f23972070bd61a00a3cb19bef481d2085951e5c4eecdd12cd2e04bfc029d78f8',
    'corpus/odoo_blank_rows_in_middle.xlsx': 'b95c5fa4f879e75b71a4a4bf1f5036449fdd570ce378d17db9a1353f93863f12',
    'corpus/odoo_date_1904_system.xlsx': '005e46c198138c1bc838c2b5fcaae26528756d974bde51991023f69a73a81fab',
    'corpus/odoo_date_after_2100.xlsx': 'e0a4c3cfe5316ce54e616eae5ac2dad9fedf9965d53a04530f9cf1a56a30235d',
    'corpus/odoo_date_before_1900_serial.xlsx': 'e3e75fc63d3e8668458cbae48fdc88434686477a4c2755950ed389315b4206a0',
    'corpus/odoo_date_before_1900_text.xlsx': '5098fd1064a15116b504139c4d1ef8a0ff3dea192f156934075b3886b9b9d34a',
    'corpus/odoo_duplicated_column.xlsx': 'dfffe988f8fe3352d99f2a3348035503e98ccd0ff392d6df3e8a359753d60253',
    'corpus/odoo_empty_sheet.xlsx': 'f30ee131f9d69da28779ce75e7224f81f9bd857c1b6bed79dd02d90fe4045bd6',
    'corpus/odoo_excel_error_value.xlsx': '1a72683e56c380193d64b4e8e21375b1f1d7d1312fb6e27a12a7a4b4a79eb8e3',
    'corpus/odoo_formula_with_saved_result.xlsx': 'f471bab3d42d446a6f7fc4afa787eb9c392b23e1b282acb27f7c868b6902e5bc',
    'corpus/odoo_formula_without_result.xlsx': '6962cf10d32cc814be96e2b26c664882bc65c0e087d1cbdc855a5cb5d6b5cad8',
    'corpus/odoo_header_on_two_sheets.xlsx': '8604f811f19a73931181e4a8b6b96d0cf25cb6ab95b91ed77d059f51599c1ec6',
    'corpus/odoo_header_only.xlsx': '70337ca8022e64777ce4aa4962ad01b2a4e97d02f1a4e41cf32ae5e1a20addbc',
    'corpus/odoo_hidden_rows.xlsx': '95992d4eec59830f7764837974615998103044623f6f5cba784a82841dd94c78',
    'corpus/odoo_items_on_second_sheet.xlsx': '9afd33811554dc4b0d10471f1d30e5a4eb75c91c552d67420e2071d22ab4de93',
    'corpus/odoo_merged_cells_over_data.xlsx': '10c519fd10c9d7035521a12f89744be577b4beb92b6a23cd3ad5913ef706438b',
    'corpus/odoo_merged_title.xlsx': '99acc3601cd8ac282bb543689dbffa91f0dd3187148a8f9d204aa519dfc60696',
    'corpus/odoo_missing_column.xlsx': '09a8bd62326b33db620bb7f28c601ff8bacd81bce35870cdf71e53d2ab87c5a6',
    'corpus/odoo_no_header_on_any_sheet.xlsx': '3609561358aeca32718a6db772721cfa659d8dc5b4e2a9101e6582e65d6ec041',
    'corpus/odoo_text_amount_garbage.xlsx': 'cd4e904ee39b885533d178eaeb5b11254272d9faf29dbbf03ad7739d80e73fdf',
    'corpus/odoo_text_in_amount.xlsx': 'fe8c8a825cbe53497bd58082c7ae1aeceded5ea5970a242886ea75bd99eae5d8',
    'corpus/odoo_three_decimals.xlsx': 'e0ddeaee674df3ed7a6de5d44d6771630e41c12a1e8342b8b0b90b7fe817132a',
    'corpus/odoo_unparseable_date.xlsx': '55f81a3f054d19c0feaf63462e5057db6418a26f6abd7f654505fcdf92977acb',
    'corpus/sage_csv_named_xlsx.xlsx': 'b37cc969ec5451be24714d88729fd1f81afb00edad8bbf5ce79e1886942a2bbf',
    'corpus/sage_due_before_document_date.xlsx': '73c91b9b998e07c16ebb22e88b58819a957dc72e8a1588faad30e2088682f746',
    'corpus/sage_due_date_column_deleted.xlsx': '2900bdf16783dd08119428e7a1d4264d2738edab54133e0df2cd8312e698ea55',
    'corpus/sage_due_date_header_renamed.xlsx': 'de9492f753003abc054ca9c09431c34010585fe27b7ee33f391dc1209458d112',
    'corpus/sage_duplicate_document_id.xlsx': '9d6fb16ded2aed6da5e715b6af68c2636e075baac2f8f7492161a5782cacbda9',
    'corpus/sage_empty_0_bytes.xlsx': 'c08b0c1967a3498e12adc329de044d4482b57deaf8b60268c798bf61731cdb20',
    'corpus/sage_english_amount_in_french_column.xlsx': '7e8e0ba064996646150518d86aae204fd29cb079435e5bc920a98c9b1a16abfb',  # noqa: E501
    'corpus/sage_entity_bomb_sheet.xlsx': '0bfa7d3bcfb3342b0607ca38ab1210e783fc2a6aada90fdc39c5554328fe215d',
    'corpus/sage_entity_bomb_strings.xlsx': '4cbf3993de8e2a2588be487c8c13820569e035295a58a3304b3d654891e124e3',
    'corpus/sage_html_named_xls.xls': 'a992289c00d8417c945ac89ea5a7f1f3cc4d48c9761916f66103d98be55590e1',
    'corpus/sage_missing_customer_and_amount.xlsx': '8969bba1c539a1ae084d8d79ff4f8f7b6776e528602b8244ce974076a68c125b',
    'corpus/sage_nbsp_thousands_text.xlsx': 'b5451c5015358385c00d05974d62d221f96b74aa680fb686e58d89d1a56b7947',
    'corpus/sage_numero_lookalike_header.xlsx': '5afc3703a58511a1bc61ea7f20fc41dc01d5a8d9511435c39062bbd7099afb3d',
    'corpus/sage_ole_named_xlsx.xlsx': 'd99f0288b1a8021e11937d7f8f8350c315d70aa2b07ea17cb7e04db2de82b774',
    'corpus/sage_only_totals.xlsx': 'cd605417f34a12a9329e452d12190870b5afd067d3303146c153573d06e966dd',
    'corpus/sage_password_protected.xlsx': 'c43e4438d165b068cbf805177e7b1ab929cc6da38fa0c371679d06ccdda46d25',
    'corpus/sage_totals_mismatch.xlsx': '459a375560d2b3df952517b64c194cf14ed28205a8ffb7452da77f7adf7bcdcb',
    'corpus/sage_truncated_zip.xlsx': 'c6ae999436f61eb2d95ff306b9bbb214d1be1c7b733392044916f5fe13637ca1',
    'corpus/sage_two_grand_totals.xlsx': '09241e7642d73c933bda4f0ed14174867ded293afdba8b83633d8a0dfc5a542d',
    'corpus/sage_unknown_document_type.xlsx': '42399e63901190c9a0a13c59b10c729fa7f5b6d091c25014b9057d09374ff5ee',
    'corpus/sage_unlabelled_subtotals_no_total.xlsx': '1e5bf3c4fd54f3a9a42d996918be5a8b7219533f802a6cc487adcd0e6113b6f7',  # noqa: E501
    'corpus/sage_wrong_sheet_name.xlsx': '06c0317a5c68452005e4dee3e12313bf80c7e522dacbf3b1cc7bb01056d2acbe',
    'corpus/sage_xlsx_named_csv.csv': '03c93ba2dabe2fb31e6bba87211ea130366fce53fb98ba4843d53f874b47c24e',
    'corpus/sage_zero_balance_lines.xlsx': 'f4d214e45565b4c94b9f4f7efcac2de67d4d5cbfc0ddaa6b8a31fe7970ef0080',
    'corpus/sage_zip_bomb_declared.xlsx': '11522005eb3eaba5351d45f0f7d7848ad89af42e741238a53576968705296ff7',
    'corpus/sage_zip_bomb_ratio.xlsx': 'ac0045043a0f60587d39ace74227c8770fc07329212e9288e4461016601a93b9',
    'corpus/sap_fbl5n_s_h.txt': '13b23b792d21d1b827a5e0704cecd58a1e178bb869cd9cde7e11ea6c665672b4',
    'corpus/sap_fbl5n_unknown_indicator.txt': '506bac1cf2092420e6d62eccc93973a63bfc66ef19f992aa8afba223b470c2d6',
    'generated/FEC_pipe.txt': '5c5c08830900c3ce03ecff8ed9c68fea52dcaeeb26e66fdee94a8a6e7c81fbf8',
    'generated/FEC_tab.txt': '4438f7e296a31d2b6ebec37258241cf4488a03e1c79fc3c866f4ae2a49255d77',
    'generated/FEC_tab.txt+terms': 'f2f773a5848c964af1a1dd299c5d77dd26503df6520ba23745eb0dae617bd710',
    'generated/odoo.csv': '13eb429fe99674938d396697b2cb682af05195803954edaf97392acb45df73f8',
    'generated/sage.xlsx': '6050c554f650353de209fa78810aef93726e00768676c656758f1f87172aac12',
    'sample/balance_2026-08-07.xlsx': '1d6872e8e7580f0d626392c175e5f585b256ad311d838b74613d7863905f6274',
    'sample/balance_2026-08-14.xlsx': '8fa2ef79d213538f5ec5d31034918b1c152ba4a58dc409fdd1811b4a851d208b',
    'sample/balance_2026-08-21.xlsx': 'b435bb2f9dcab2ab3cdb593673847a7fba7031f95bb5b4ff3049088c0e264332',
    'sample/balance_2026-08-28.xlsx': '8fe47f173e6b3568d9a57c9bbb010daf3c16b0d7f8b7aa8d2f1bf6ee1a958fbf',
    'sample/balance_2026-09-04.xlsx': '65a32c03ef03a1888c30e79838444c81352ec1c5eb8f41745212c1657747c15c',
    'sample/balance_2026-09-11.xlsx': '73e8bddaa5ef628196a57ae87a00e3949695b95724b893ee3f461b1c647cfbdc',
    'sample/balance_2026-09-18.xlsx': '9b3c909326f1f333aa466a3f4a21ed27a3f5fd757a10f88b253136e60755fdae',
    'sample/balance_2026-09-25.xlsx': '13c0ab817f025b8ed0e89dcb17478d228421eb87ad320c237b7dc7c1b7b0d165',
    'sample/balance_2026-10-02.xlsx': 'e087eb04a1c7851191a03452bb0438bf8c5919e4cb796313443a175d7bf5f5a4',
    'sample/balance_2026-10-09.xlsx': '1bd3263dcf93cb2bfa12ca1576c4d4b1482fbc489666bc8e015e6394bf75f3e8',
    'sample/balance_2026-10-16.xlsx': '0edf6fa54288b5f08c285304da82cc3088ed05f76083e8aa7362605a26f50299',
    'sample/balance_2026-10-23.xlsx': '7b64f3a9c0ce67cf5fa08aa6bfe3d9a4102f2fb9556ee6cb4514eecc1f464c80',
    'sample/balance_2026-10-30.xlsx': '3c8d9ed0d1dd4930421cf1ce8045a3a3dc5817bafa262a64afc32df6846693e3',
    'sample/balance_2026-11-06.xlsx': '03ddfacee782618fdbade089362b7a5555ae453c328537c987a7904bbb3caa1a',
    'sample/balance_2026-11-13.xlsx': '6a4a76d51298ca75c2ffff6422bc0e4623b253938c933043fbddc6551cdc9fa7',
    'sample/balance_2026-11-20.xlsx': '501b8fea47258abd237b5e3e96ae9d3bfb80c2670dd3c4ba45077b360d34426c',
}


# ---------------------------------------------------------------------------------------------
# reducing an outcome to JSON
# ---------------------------------------------------------------------------------------------
def _value(v: object) -> object:
    return plain_value(v, lists=False)


def _plain(obj: object, tmp: str) -> object:
    if isinstance(obj, dict):
        return {str(k): _plain(v, tmp) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v, tmp) for v in obj]
    if isinstance(obj, str):
        return obj.replace(tmp, "<tmp>")
    return _value(obj)


def frame_dump(frame: pd.DataFrame, tmp: str) -> dict:
    """Columns in order with their dtypes (categories included) and values, and ``attrs``."""
    return {"index": [_value(v) for v in frame.index.tolist()], "columns": columns_dump(frame, lists=False),
            "attrs": _plain(dict(frame.attrs), tmp)}


def outcome(read: Callable[[], object], tmp: str, dump: Callable[[object], object] | None = None) -> dict:
    """What a read gives: its error text, or its result and the warnings it emitted."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = read()
        except InputError as exc:
            return {"error": type(exc).__name__, "text": str(exc).replace(tmp, "<tmp>"),
                    "problems": [_plain([p.message, p.row, p.column, p.value, p.expected, p.code], tmp)
                                 for p in exc.problems]}
    ours = [str(w.message).replace(tmp, "<tmp>") for w in caught if isinstance(w.message, InputWarning)]
    return {"warnings": ours, "result": (dump or (lambda r: frame_dump(r, tmp)))(result)}


def digest(obj: object) -> str:
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# generated inputs
# ---------------------------------------------------------------------------------------------
def _fr_amount(cents: int, sep: str = "\u202f") -> str:
    sign, cents = ("-" if cents < 0 else ""), abs(cents)
    units = f"{cents // 100:,}".replace(",", sep)
    return f"{sign}{units},{cents % 100:02d}"


def sage_export(path: Path, customers: int = 1500, seed: int = 14) -> Path:
    """A Sage-layout export with every tolerated oddity (see the module docstring)."""
    rnd = random.Random(seed)
    header = ["Code client", "Raison sociale", "Type", "N° pièce", "Date pièce", "Échéance", "Montant HT",
              "Solde TTC", "Non échu", "Commentaire"]
    rows: list[list[object]] = [["Ateliers Test SA"], ["Balance âgée clients au 20/11/2026"],
                                ["Filtres : comptes 411000 à 411ZZZ"], [], header]
    hidden: list[int] = []
    as_of = dt.datetime(2026, 11, 20)
    grand_ht = grand_ttc = 0
    for k in range(customers):
        cid, name = f"C{k:05d}", f"Client {k} {rnd.choice(['SARL', 'SA', 'SAS', 'et Fils'])}"
        ht_sum = ttc_sum = 0
        for i in range(rnd.randint(1, 32)):
            kind = rnd.choices(["FA", "AV", "RG"], [75, 15, 10])[0]
            ttc = rnd.randint(100, 5_000_000)
            if kind != "FA":
                ttc = -ttc // 3
            if rnd.random() < 0.003:
                ttc = 0
            ht = int(ttc / 1.2)
            doc = as_of - dt.timedelta(days=rnd.randint(0, 420))
            due: object = doc + dt.timedelta(days=rnd.choice([0, 30, 45, 60]))
            roll = rnd.random()
            if roll < 0.01:
                due = None                                        # blank: the document date is taken
            elif roll < 0.015:
                due = doc - dt.timedelta(days=5)                  # before the document date
            elif roll < 0.03:
                due = f"{due:%d/%m/%Y}"                           # text, order proven by the column
            doc_cell: object = doc
            roll = rnd.random()
            if roll < 0.02:
                doc_cell = f"{doc:%d/%m/%Y}"                      # text dates, some proving day-first
            elif roll < 0.03:
                doc_cell = Serial(float((doc - dt.datetime(1899, 12, 30)).days))
            ttc_cell: object = ttc / 100
            roll = rnd.random()
            if roll < 0.01:
                ttc_cell = _fr_amount(ttc)
            elif roll < 0.012:
                ttc_cell = F(f"=G{len(rows) + 1}*1.2", ttc / 100)  # formula with its saved result
            ht_cell: object = ht / 100 if rnd.random() > 0.02 else None
            row = [cid, name, kind, f"{kind}{k:05d}-{i:03d}", doc_cell, due, ht_cell, ttc_cell,
                   ttc / 100 if isinstance(due, dt.datetime) and due >= as_of else None,
                   "à relancer" if rnd.random() < 0.05 else None]
            rows.append(row)
            if rnd.random() < 0.001:
                hidden.append(len(rows))
            ht_sum += ht if ht_cell is not None else 0
            ttc_sum += ttc
        rows.append([f"Total {cid}", name, None, None, None, None, ht_sum / 100, ttc_sum / 100])
        if rnd.random() < 0.1:
            rows.append([])
        grand_ht += ht_sum
        grand_ttc += ttc_sum
    rows.append([])
    rows.append(["Total général", None, None, None, None, None, grand_ht / 100, grand_ttc / 100])
    return write_xlsx(path, [Sheet("Balance âgée", rows, merges=(("A1:D1", "Ateliers Test SA"),),
                                   hidden=tuple(hidden))])


def odoo_csv(path: Path, partners: int = 300, seed: int = 41) -> Path:
    """An Odoo-style CSV export: ``;``, cp1252, text dates and French text amounts."""
    rnd = random.Random(seed)
    header = ["Date", "Pièce", "Journal", "Compte", "Partenaire", "Réf - Libellé", "Date d'échéance", "Résiduel"]
    lines = ["Balance âgée auxiliaire - Société Test", "Date au : 20/11/2026", "", "411100 - Clients"]
    total = 0
    for p in range(partners):
        partner = f"[P{p:04d}] Partenaire n° {p}"
        lines += [partner, ";".join(header)]
        cumulated = 0
        for i in range(rnd.randint(1, 25)):
            journal = rnd.choices(["Factures clients", "Banque"], [85, 15])[0]
            cents = rnd.randint(100, 3_000_000) * (1 if journal == "Factures clients" and rnd.random() > 0.1 else -1)
            doc = AS_OF - dt.timedelta(days=rnd.randint(0, 300))
            due = doc + dt.timedelta(days=rnd.choice([30, 60]))
            lines.append(";".join([f"{doc:%d/%m/%Y}", f"F{p:04d}/{i:03d}", journal, "411100", partner,
                                   f"Réf {i}", f"{due:%d/%m/%Y}" if rnd.random() > 0.01 else "",
                                   _fr_amount(cents, rnd.choice(["\u00a0", " ", ""]))]))
            cumulated += cents
        lines.append(";".join(["Balance âgée cumulée du partenaire", *[""] * 6, _fr_amount(cumulated, " ")]))
        total += cumulated
    lines.append(";".join(["Total", "", "", "", "", "", "", _fr_amount(total, " ")]))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252", errors="replace"))
    return path


FEC_HEADER = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
              "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
              "ValidDate", "Montantdevise", "Idevise", "DateEcheance"]


def fec_lines(customers: int = 400, seed: int = 7) -> list[dict[str, str]]:
    """A ledger: invoices (sales journal), credit notes, payments lettered in full, in part or not
    at all, over 2025-2026; each entry with its counterpart lines."""
    rnd = random.Random(seed)
    out: list[dict[str, str]] = []
    day0 = dt.date(2025, 1, 1)
    num = 0

    def entry(journal: str, date: dt.date, account: str, aux: str, piece: str, cents: int, letter: str = "",
              letter_date: dt.date | None = None, due: dt.date | None = None) -> None:
        out.append({"JournalCode": journal, "JournalLib": journal, "EcritureNum": f"{journal}{num:06d}",
                    "EcritureDate": f"{date:%Y%m%d}", "CompteNum": account,
                    "CompteLib": "Clients" if account.startswith("411") else "Autre",
                    "CompAuxNum": aux, "CompAuxLib": f"Société {aux} é" if aux else "", "PieceRef": piece,
                    "PieceDate": f"{date:%Y%m%d}", "EcritureLib": f"Écriture {piece}",
                    "Debit": _fr_amount(max(cents, 0), ""), "Credit": _fr_amount(max(-cents, 0), ""),
                    "EcritureLet": letter, "DateLet": f"{letter_date:%Y%m%d}" if letter_date else "",
                    "ValidDate": f"{date:%Y%m%d}", "Montantdevise": "", "Idevise": "",
                    "DateEcheance": f"{due:%Y%m%d}" if due else ""})

    for c in range(customers):
        aux = f"C{c:04d}"
        letters = 0
        for i in range(rnd.randint(3, 40)):
            num += 1
            date = day0 + dt.timedelta(days=rnd.randint(0, 690))
            piece = f"FA{c:04d}-{i:03d}"
            cents = rnd.randint(1000, 2_000_000)
            due = date + dt.timedelta(days=rnd.choice([30, 45, 60])) if rnd.random() > 0.05 else None
            fate = rnd.random()
            letter, letter_date = "", None
            if fate < 0.75:                                 # lettered: paid in full (< 0.6) or in part
                letters += 1
                letter, letter_date = f"L{letters:04d}", date + dt.timedelta(days=rnd.randint(10, 120))
            entry("VT", date, "411000", aux, piece, cents, letter, letter_date, due)
            entry("VT", date, "706000", "", piece, -cents)
            if letter:
                paid = cents if fate < 0.6 else cents // 3
                num += 1
                pay = f"RG{c:04d}-{i:03d}"
                entry("BQ", letter_date, "411000", aux, pay, -paid, letter, letter_date)
                entry("BQ", letter_date, "512000", "", pay, paid)
            if rnd.random() < 0.08:                         # a credit note, never lettered
                num += 1
                note = date + dt.timedelta(days=3)
                entry("VT", note, "411000", aux, f"AV{c:04d}-{i:03d}", -(cents // 10), due=note)
                entry("VT", note, "706000", "", f"AV{c:04d}-{i:03d}", cents // 10)
        if rnd.random() < 0.3:                              # unapplied cash
            num += 1
            date = day0 + dt.timedelta(days=rnd.randint(0, 690))
            entry("BQ", date, "411000", aux, f"RG{c:04d}-X", -rnd.randint(100, 50_000))
            entry("BQ", date, "512000", "", f"RG{c:04d}-X", 0)
    return out


def write_fec(path: Path, lines: list[dict[str, str]], variant: str = "tab") -> Path:
    """``tab``: the law's layout, UTF-8; ``pipe``: ``|``, cp1252, ``Montant``/``Sens`` and no
    ``DateEcheance`` (due dates from the customers' terms)."""
    if variant == "tab":
        text = "\n".join(["\t".join(FEC_HEADER)] + ["\t".join(r[h] for h in FEC_HEADER) for r in lines]) + "\n"
        path.write_text(text, encoding="utf-8")
        return path
    header = [h for h in FEC_HEADER if h not in ("Debit", "Credit", "DateEcheance")] + ["Montant", "Sens"]
    rows = []
    for r in lines:
        debit = r["Debit"] not in ("0,00", "")
        r = {**r, "Montant": r["Debit"] if debit else r["Credit"], "Sens": "D" if debit else "C"}
        rows.append("|".join(r[h] for h in header))
    path.write_bytes(("\r\n".join(["|".join(header), *rows]) + "\r\n").encode("cp1252"))
    return path


def fec_customers(customers: int = 400) -> pd.DataFrame:
    terms = ["30 jours", "45 jours fin de mois", "fin de mois 45 jours", "comptant", "60 jours"]
    return pd.DataFrame({"customer_id": [f"C{c:04d}" for c in range(customers)],
                         "payment_terms": [terms[c % len(terms)] for c in range(customers)]})


def _same(result: object) -> object:
    return result


def fec_dump(path: Path, tmp: str, customers: pd.DataFrame | None = None) -> dict:
    """A ledger read at three dates, its balance and its payments."""
    ledger = load_fec(path, customers=customers)
    out: dict[str, object] = {}
    for as_of in ("2025-06-30", "2026-01-15", "2026-11-20"):
        out[as_of] = outcome(lambda a=as_of: ledger.open_items(a), tmp)
        out[f"balance {as_of}"] = ledger.balance_cents(as_of)
    out["payments"] = frame_dump(ledger.payments(), tmp)
    out["range"] = [str(ledger.first_date), str(ledger.last_date)]
    return out


# ---------------------------------------------------------------------------------------------
# the outcomes
# ---------------------------------------------------------------------------------------------
def outcomes(folder: Path) -> dict[str, dict]:
    """Every input's outcome (see the module docstring), generated inputs written in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = str(folder)
    out: dict[str, dict] = {}
    for path in sorted(SAMPLE_EXPORTS.glob("*.xlsx")):      # paths named from the repository's root
        out[f"sample/{path.name}"] = outcome(lambda p=path: read_open_items(p), str(ROOT))
    out["generated/sage.xlsx"] = outcome(lambda: read_open_items(sage_export(folder / "sage.xlsx")), tmp)
    out["generated/odoo.csv"] = outcome(lambda: read_open_items(odoo_csv(folder / "odoo.csv"), mapping="odoo"), tmp)
    lines = fec_lines()
    tab = write_fec(folder / "FEC_tab.txt", lines)
    out["generated/FEC_tab.txt"] = outcome(lambda: fec_dump(tab, tmp), tmp, _same)
    out["generated/FEC_tab.txt+terms"] = outcome(lambda: fec_dump(tab, tmp, fec_customers()), tmp, _same)
    pipe = write_fec(folder / "FEC_pipe.txt", lines, "pipe")
    out["generated/FEC_pipe.txt"] = outcome(lambda: fec_dump(pipe, tmp, fec_customers()), tmp, _same)
    return out


def corpus_outcomes(folder: Path) -> dict[str, dict]:
    """Each hostile-corpus case of the open-item and FEC readers."""
    from relance_analytics import canonical as rc
    from relance_analytics.io.fec import read_fec
    readers = {"open_items": rc.read_open_items, "fec": read_fec}
    folder.mkdir(parents=True, exist_ok=True)
    paths = {case.name: path for case, path in build_corpus(folder)}
    tmp = str(folder)
    return {f"corpus/{case.id}": outcome(lambda c=case: readers[c.reader](paths[c.name], **c.kwargs), tmp)
            for case in build_cases() if case.reader in readers}


@pytest.fixture(scope="module")
def current(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    return outcomes(tmp_path_factory.mktemp("fingerprint"))


@pytest.mark.parametrize("name", [k for k in EXPECTED if not k.startswith("corpus/")])
def test_reader_output_is_unchanged(current, name):
    assert name in current, f"{name}: input missing"
    assert digest(current[name]) == EXPECTED[name], f"{name}: the reader's output changed"


def test_generated_inputs_exercise_what_they_should(current):
    """The generated inputs reach the tolerated paths, so that the digests cover them."""
    sage = current["generated/sage.xlsx"]
    text = " ".join(sage["warnings"])
    for fragment in ("formule", "masquée", "sans date d'échéance", "antérieure", "soldée"):
        assert fragment in text, fragment
    assert len(sage["result"]["columns"][0]["values"]) > 20_000
    assert sage["result"]["attrs"]["date_orders"]["document_date"]["source"] == "evidence"
    assert current["generated/odoo.csv"]["result"]["attrs"]["skipped_rows"]["repeated_header"] > 100
    assert "missing_due_date" in str(current["generated/FEC_tab.txt"]["result"]["2026-11-20"]["problems"])
    for name in ("FEC_tab.txt+terms", "FEC_pipe.txt"):
        at = current[f"generated/{name}"]["result"]["2026-11-20"]
        assert len(at["result"]["columns"][0]["values"]) > 1000, name
    assert current["generated/FEC_pipe.txt"]["result"]["2026-11-20"]["warnings"]


def test_corpus_outcomes_are_unchanged(tmp_path):
    found = corpus_outcomes(tmp_path)
    expected = {k: v for k, v in EXPECTED.items() if k.startswith("corpus/")}
    assert set(expected) <= set(found), sorted(set(expected) - set(found))
    changed = [k for k in expected if digest(found[k]) != expected[k]]
    assert not changed, f"hostile-corpus outcomes changed: {changed}"


if __name__ == "__main__":
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        results = outcomes(Path(folder) / "generated")
        results.update(corpus_outcomes(Path(folder) / "corpus"))
    if len(sys.argv) > 1:      # a file to write the full outcomes to, for comparing two versions
        Path(sys.argv[1]).write_text(json.dumps(results, sort_keys=True, ensure_ascii=False, indent=1))
    print("EXPECTED: dict[str, str] = {")
    for key in sorted(results):
        print(f"    {key!r}: {digest(results[key])!r},")
    print("}")
