"""R10 (order, score, capacity cut) and R11 (contact chosen by the invoice circuit)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from relance_analytics.calllist import CallListParams
from relance_analytics.calllist.build import render_contacts
from relance_analytics.calllist.contacts import choose_contacts
from relance_analytics.calllist.ranking import rank_and_cut

from .helpers import NNBSP, actions, contacts, customers, eur, items, rank, run


def test_r10_broken_promises_then_amount_weighted_by_age_then_pre_due_calls():
    it = items(("A", "FA-A1", "2026-10-11", 6000), ("A", "FA-A2", "2026-11-10", 3000),
               ("B", "FA-B", "2026-11-10", 20000), ("C", "FA-C", "2026-09-21", 10000),
               ("D", "FA-D", "2026-10-21", 12000), ("D", "AV-D", "2026-10-21", -4000),
               ("E", "FA-E", "2026-11-01", 500), ("F", "FA-F", "2026-11-24", 50000))
    acts = actions(dict(date="2026-11-05", customer_id="E", document_ids="FA-E", outcome="promise",
                        promise_amount=500, promise_date="2026-11-10"))
    cl = run(it, acts)
    # scores = net € × (1 + weighted days / 30):
    # C 10 000 × (1 + 60/30) = 30 000; B 20 000 × (1 + 10/30) = 26 667;
    # A 9 000 × (1 + (6 000×40 + 3 000×10)/9 000/30) = 9 000 × 2 = 18 000; D (12 000 − 4 000) × (1 + 30/30) = 16 000
    assert [rank(cl, c) for c in "ECBADF"] == [1, 2, 3, 4, 5, 6]
    assert list(cl.rows["tier"]) == [1, 2, 2, 2, 2, 3]
    a = cl.rows[cl.rows["customer_id"] == "A"].iloc[0]
    assert a["score"] == 18000.0 and a["weighted_days"] == 30.0
    assert a["score_text"] == f"R10 score 18{NNBSP}000 = {eur('9 000,00 €')} × (1 + 30,0 j / 30 j)"
    d = cl.rows[cl.rows["customer_id"] == "D"].iloc[0]
    assert (d["at_stake_cents"], d["credits_cents"], d["net_cents"], d["score"]) == (1200000, -400000, 800000, 16000.0)
    assert cl.score_formula == "score = montant net en jeu (€) × (1 + âge moyen pondéré (j) / 30 j)"


def test_capacity_cut_keeps_and_counts_the_rows_it_cuts():
    it = items(("C1", "F1", "2026-11-10", 4000), ("C2", "F2", "2026-11-10", 3000), ("C3", "F3", "2026-11-10", 2000),
               ("C4", "F4", "2026-11-10", 1000), ("C5", "F5", "2026-11-10", 50), ("C6", "F6", "2026-11-01", 50),
               ("J1", "F7", "2026-11-10", 500))
    acts = actions(dict(date="2026-11-02", customer_id="C6", document_ids="F6", outcome="promise", promise_amount=50,
                        promise_date="2026-11-12"))
    params = CallListParams(capacities={"Claire Martin": 3})
    cl = run(it, acts, params=params, cust=customers(it, collectors={"J1": "Julien Petit"}))
    claire = cl.by_collector["Claire Martin"]
    # C6: broken promise of 50 € — below the small amount, but a broken promise is always called
    assert list(claire["customer_id"]) == ["C6", "C1", "C2"]
    cut = cl.deferred.set_index("customer_id")
    assert cut.loc["C3", "defer_reason"] == ("R10 au-delà de la capacité du jour (3 appels) : rang 4 sur 5, "
                                             "relance par e-mail")
    assert cut.loc["C4", "rank"] == 5
    assert cut.loc["C5", "defer_reason"] == (f"montant net inférieur au seuil d'appel de {eur('100,00 €')} : "
                                             f"relance par e-mail")
    assert pd.isna(cut.loc["C5", "rank"])
    assert cl.cut_counts.to_dict() == {"Claire Martin": 2, "Julien Petit": 0}
    summary = cl.summary()
    assert summary.loc["Claire Martin", ["capacity", "calls", "cut", "small"]].tolist() == [3, 3, 2, 1]
    assert summary.loc["Julien Petit", ["capacity", "calls", "cut"]].tolist() == [25, 1, 0]
    # every row with a reason is somewhere: 3 + 1 called, 3 deferred
    assert len(cl.rows) + len(cl.deferred) == 7


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from([1, 2, 3]),
                          st.integers(0, 5_000_000)), min_size=0, max_size=40),
       st.dictionaries(st.sampled_from(["a", "b", "c"]), st.integers(0, 10)))
def test_cut_never_loses_a_row_and_respects_capacity(rows, capacities):
    frame = pd.DataFrame({"collector": [r[0] for r in rows], "tier": [r[1] for r in rows],
                          "net_cents": [r[2] for r in rows], "score": [r[2] / 100 for r in rows],
                          "cid": [f"C{i}" for i in range(len(rows))]})
    params = CallListParams(capacities=capacities, default_capacity=4)
    kept, deferred = rank_and_cut(frame, params)
    assert sorted([*kept["cid"], *deferred["cid"]]) == sorted(frame["cid"])
    for collector, group in kept.groupby("collector"):
        assert len(group) <= params.capacity(collector)
        assert list(group["rank"]) == list(range(1, len(group) + 1))
        assert list(group["tier"]) == sorted(group["tier"])
    small = (frame["net_cents"] < params.small_amount_cents) & (frame["tier"] != 1)
    assert set(deferred.loc[deferred["rank"].isna(), "cid"]) == set(frame.loc[small, "cid"])


def test_r11_contact_chosen_by_the_invoice_circuit_and_missing_contact_flagged():
    circuits = pd.Series(["purchasing", "accounting", "manager", "purchasing", "accounting", "manager"],
                         index=pd.Index(["P", "A", "M", "Q", "N", "X"]))
    c = contacts(
        ("P", "Paul Compta", "accounting", "01 11 11 11 11", "paul@p.fr"),
        ("P", "Anne Achat", "purchasing", "01 22 22 22 22", "anne@p.fr"),
        ("A", "Alain Achat", "purchasing", "01 33 33 33 33", "alain@a.fr"),
        ("A", "Cécile Compta", "accounting", None, "cecile@a.fr"),
        ("A", "Claude Compta", "accounting", "01 44 44 44 44", "claude@a.fr"),
        ("M", "Marc Dirigeant", "manager", "06 55 55 55 55", None),
        ("M", "Fanny Finance", "finance", "01 66 66 66 66", "fanny@m.fr"),
        ("Q", "Quentin Compta", "accounting", "01 77 77 77 77", "q@q.fr"),
        ("N", "Nora Compta", "accounting", "", "nora@n.fr"))
    chosen = render_contacts(choose_contacts(circuits, c))
    assert chosen.loc["P", ["contact_name", "contact_role"]].tolist() == ["Anne Achat", "purchasing"]
    assert chosen.loc["P", "second_contact"] == "comptabilité fournisseurs : Paul Compta 01 11 11 11 11 paul@p.fr"
    assert chosen.loc["P", "contact_alert"] == ""
    assert chosen.loc["A", "contact_name"] == "Claude Compta"          # same role: the one with a direct phone
    assert chosen.loc["M", "contact_name"] == "Marc Dirigeant"
    assert chosen.loc["M", "contact_alert"] == "R11 pas d'e-mail"
    assert chosen.loc["Q", ["contact_name", "contact_alert"]].tolist() == [
        "Quentin Compta", "R11 pas d'interlocuteur « achats » (circuit validation achats) : "
                          "comptabilité fournisseurs à défaut"]
    assert chosen.loc["N", "contact_alert"] == "R11 pas de téléphone direct"
    assert chosen.loc["X", "contact_alert"] == "R11 aucun interlocuteur connu : à rechercher avant l'appel"


def test_r11_customer_without_contact_is_kept_on_the_list():
    it = items(("X", "FX", "2026-11-10", 1000), ("P", "FP", "2026-11-10", 900))
    cont = contacts(("P", "Anne Achat", "purchasing", "01 22 22 22 22", "anne@p.fr"))
    cl = run(it, cust=customers(it, circuit={"P": "purchasing", "X": "manager"}), cont=cont)
    rows = cl.rows.set_index("customer_id")
    assert rows.loc["X", "rank"] == 1
    assert rows.loc["X", "contact_alert"] == "R11 aucun interlocuteur connu : à rechercher avant l'appel"
    assert rows.loc["P", ["contact_name", "contact_phone", "contact_email"]].tolist() == [
        "Anne Achat", "01 22 22 22 22", "anne@p.fr"]
