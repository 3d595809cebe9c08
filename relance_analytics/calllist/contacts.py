"""R11: the contact to call, chosen by the invoice's circuit.

* purchasing validation (``purchasing``): the buyer first (is the invoice validated and passed
  on to accounting?), supplier accounting shown as the second contact;
* supplier accounting (``accounting``): accounting, then the finance department;
* manager of a small firm (``manager``): the manager, then finance, then accounting.

Within a role, a contact with a direct phone comes first. A customer without any contact, or
whose contact has no phone or e-mail, keeps its row and gets its ``problems`` (R11), which
:func:`relance_analytics.text.calllist.contact_alert` puts into words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Role preference per invoice circuit (first = the contact to call).
PREFERENCE = {
    "purchasing": ("purchasing", "accounting", "finance", "manager"),
    "accounting": ("accounting", "finance", "manager", "purchasing"),
    "manager": ("manager", "finance", "accounting", "purchasing"),
    "": ("accounting", "finance", "manager", "purchasing"),
}
#: Second contact to mention, per circuit (the article: check with the buyer, then accounting).
SECOND = {"purchasing": "accounting"}
CONTACT_COLUMNS = ("contact_name", "contact_role", "contact_phone", "contact_email", "second", "problems")
NO_CONTACT = (("none",),)


def _blank(values: pd.Series) -> np.ndarray:
    return values.astype("string").str.strip().fillna("").eq("").to_numpy(dtype=bool)


def choose_contacts(circuits: pd.Series, contacts: pd.DataFrame | None) -> pd.DataFrame:
    """One contact per customer of ``circuits`` (index customer id, value circuit code or NA).

    Returns a frame indexed like ``circuits`` with :data:`CONTACT_COLUMNS`: the contact's name,
    role code, phone and e-mail; ``second``, ``(role, name, phone, email)`` of the contact to
    mention second, or ``None``; ``problems``, what is missing (a tuple, empty when complete):
    ``("none",)``, ``("role", wanted, circuit, found)``, ``("phone",)``, ``("email",)``.
    """
    circuit = circuits.astype("string").fillna("")
    out = pd.DataFrame(index=circuits.index, columns=list(CONTACT_COLUMNS[:4]), dtype="string")
    if contacts is None or contacts.empty:
        out["second"] = pd.Series([None] * len(out), index=out.index, dtype=object)
        out["problems"] = pd.Series([NO_CONTACT] * len(out), index=out.index, dtype=object)
        return out
    c = contacts.assign(cid=contacts["customer_id"].astype("string"), role=contacts["role"].astype("string"),
                        no_phone=_blank(contacts["phone"]), no_email=_blank(contacts["email"]),
                        position=np.arange(len(contacts)))
    c = c[c["cid"].isin(circuits.index.astype("string"))]
    c["circuit"] = c["cid"].map(circuit).fillna("")
    c["preference"] = [PREFERENCE.get(k, PREFERENCE[""]).index(r) if r in PREFERENCE.get(k, PREFERENCE[""]) else 9
                       for k, r in zip(c["circuit"], c["role"])]
    c = c.sort_values(["cid", "preference", "no_phone", "position"], kind="stable")
    best = c.drop_duplicates("cid").set_index("cid")
    out["contact_name"] = best["name"].astype("string").reindex(out.index)
    out["contact_role"] = best["role"].astype("string").reindex(out.index)
    out["contact_phone"] = best["phone"].astype("string").reindex(out.index)
    out["contact_email"] = best["email"].astype("string").reindex(out.index)
    is_second = np.array([SECOND.get(k) == r for k, r in zip(c["circuit"], c["role"])], dtype=bool)
    seconds = c[is_second].drop_duplicates("cid")
    second = {cid: (str(role), name, phone, email)
              for cid, role, name, phone, email in zip(seconds["cid"], seconds["role"], seconds["name"],
                                                       seconds["phone"], seconds["email"])}
    out["second"] = pd.Series([second.get(cid) for cid in out.index], index=out.index, dtype=object)
    out["problems"] = pd.Series([_problems(k, r, ph, em) for k, r, ph, em in zip(
        circuit.reindex(out.index).fillna(""), out["contact_role"], out["contact_phone"], out["contact_email"])],
        index=out.index, dtype=object)
    return out


def _problems(circuit: str, role: object, phone: object, email: object) -> tuple[tuple[str, ...], ...]:
    if pd.isna(role):
        return NO_CONTACT
    problems: list[tuple[str, ...]] = []
    wanted = PREFERENCE.get(circuit, PREFERENCE[""])[0]
    if circuit and role != wanted:
        problems.append(("role", wanted, circuit, str(role)))
    if pd.isna(phone) or not str(phone).strip():
        problems.append(("phone",))
    if pd.isna(email) or not str(email).strip():
        problems.append(("email",))
    return tuple(problems)
