"""Synthetic patients: names of mixed origin, demographics, history and questionnaire answers.

Phones are in Ofcom's drama range (+44 7700 900000-900999) and e-mails at example.org, so
no demo record can reach a real person.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FEMALE_NAMES = _words(
    "Amelia Olivia Isla Ava Mia Sophia Grace Freya Zara Aisha Fatima Priya Ananya Mei Yuki "
    "Hana Sofia Lucia Chiara Giulia Ines Marta Agnieszka Katarzyna Olga Ingrid Astrid Siobhan "
    "Niamh Chloe Emily Hannah Leila Yasmin Nour Amara Chidinma Adaeze Ngozi Thandiwe Camila "
    "Valentina Gabriela Ana Maria Elena Irina Svetlana Aylin Elif Deniz Sakura Linh Thu Rosa"
)
MALE_NAMES = _words(
    "Oliver James Mohammed Omar Arjun Rohan Wei Hiroshi Luca Marco Mateo Diego Tomasz Piotr "
    "Lars Sean Kwame Chinedu Emeka Daniel David Samuel Yusuf Ahmed Kenji Andrei Mehmet"
)
FAMILY_NAMES = _words(
    "Smith Jones Taylor Brown Williams Wilson Evans Thomas Roberts Walker Wright Hughes "
    "Khan Ahmed Hussain Patel Shah Singh Sharma Begum Ali Rahman Chowdhury Wang Li Zhang "
    "Chen Liu Nguyen Tran Kim Park Tanaka Sato Suzuki Rossi Russo Ferrari Esposito Garcia "
    "Martinez Rodriguez Lopez Fernandez Silva Santos Oliveira Costa Kowalski Nowak Wisniewski "
    "Ivanova Petrov Popescu Yilmaz Kaya Demir Okafor Okonkwo Adeyemi Mensah Osei Mwangi "
    "Murphy Kelly O'Brien Byrne MacDonald Campbell Andersen Johansson Nielsen Dubois Moreau "
    "Haddad Mansour Cohen Levi Novak Horvath"
)

ALLERGIES = (
    "Penicillin (rash)",
    "Latex (contact dermatitis)",
    "Sulfonamides (urticaria)",
    "Elastoplast adhesive (skin irritation)",
    "Codeine (nausea and vomiting)",
    "Peanut (anaphylaxis, carries adrenaline auto-injector)",
)
MEDICATIONS = (
    "Levothyroxine 75 micrograms daily",
    "Combined oral contraceptive",
    "Sertraline 50 mg daily",
    "Omeprazole 20 mg daily",
    "Cetirizine 10 mg when needed",
    "Atorvastatin 20 mg daily",
    "Vitamin D 1000 units daily",
    "Ramipril 5 mg daily",
)


@dataclass
class PersonDraft:
    given_name: str
    family_name: str
    sex: str
    birth_date: dt.date
    height_cm: Decimal
    weight_kg: float
    phone: str
    email: str
    address: str
    allergies: str
    current_medications: str
    diet: bool  # losing weight on a diet during the course (a confounder to adjust for)


STREETS = (
    "Mill Lane",
    "Church Street",
    "Station Road",
    "Riverside Walk",
    "Park Avenue",
    "High Street",
)


def make_person(rng: random.Random, index: int, indication: str, today: dt.date) -> PersonDraft:
    # Hair mesotherapy patients are men and women (male androgenetic alopecia and FPHL);
    # the aesthetic body and face indications are mostly women, as in the cited series.
    female_share = 0.45 if indication == "hair_loss" else 0.92
    sex = "f" if rng.random() < female_share else "m"
    given = rng.choice(FEMALE_NAMES if sex == "f" else MALE_NAMES)
    family = rng.choice(FAMILY_NAMES)
    age_days = rng.randint(20 * 365 + 5, 70 * 365 - 5)
    birth_date = today - dt.timedelta(days=age_days)
    height = rng.gauss(165 if sex == "f" else 178, 6)
    bmi = rng.uniform(20.5, 31.0)
    weight = round(bmi * (height / 100) ** 2, 1)
    email_name = "".join(ch for ch in f"{given}.{family}".lower() if ch.isalnum() or ch == ".")
    return PersonDraft(
        given_name=given,
        family_name=family,
        sex=sex,
        birth_date=birth_date,
        height_cm=Decimal(str(round(height, 1))),
        weight_kg=weight,
        phone=f"+44 7700 900{index % 1000:03d}",
        email=f"{email_name}{index}@example.org",
        address=f"{rng.randint(1, 180)} {rng.choice(STREETS)}, Testford TF{rng.randint(1, 9)} 0XX",
        allergies=rng.choice(ALLERGIES) if rng.random() < 0.18 else "",
        current_medications=", ".join(rng.sample(MEDICATIONS, rng.choice((1, 1, 2))))
        if rng.random() < 0.35
        else "",
        diet=indication in ("localized_fat", "cellulite") and rng.random() < 0.22,
    )


def questionnaire(rng: random.Random, person: PersonDraft, indication: str) -> dict[str, object]:
    """Stored answers ("yes"/"no" by question code), mostly "no" as in a screened clinic list."""
    from mesoclinic.consultations.questions import QUESTIONS

    # The submental block (questionnaire item 8) is asked only when it is planned.
    codes = [q.code for q in QUESTIONS if not q.submental or indication == "submental_fat"]
    answers: dict[str, object] = dict.fromkeys(codes, "no")
    details: dict[str, str] = {}
    if rng.random() < 0.04:
        answers["aspirin_low_dose"] = "yes"
        details["bleeding"] = "Aspirin 75 mg daily; last dose yesterday."
    if rng.random() < 0.05:
        answers["nsaid"] = "yes"
        details["bleeding"] = "Ibuprofen occasionally for headaches; last dose a week ago."
    if rng.random() < 0.04:
        answers["diabetes"] = "yes"
        details["history"] = "Type 2 diabetes, diet-controlled."
    if rng.random() < 0.03:
        answers["keloid"] = "yes"
    if indication == "submental_fat" and "Levothyroxine" in person.current_medications:
        answers["thyroid_disease"] = "yes"
        details["history"] = "Hypothyroidism on levothyroxine, euthyroid at last check."
    if rng.random() < 0.2:
        answers["prior_mesotherapy"] = "yes"
        details["prior"] = "Skin mesotherapy at another clinic some years ago; no complications."
    if person.allergies:
        details["allergy"] = person.allergies
    previous = person.weight_kg + (rng.uniform(2.5, 5) if person.diet else rng.uniform(-1, 1))
    answers["weight_6_months_ago_kg"] = f"{previous:.1f}"
    if details:
        answers["details"] = details
    return answers


CONCERNS = {
    "localized_fat": "Stubborn fat that has not shifted with diet and exercise.",
    "cellulite": "Dimpling on the buttocks and thighs, most visible in summer.",
    "submental_fat": "Fullness under the chin; dislikes her profile in photographs.",
    "skin_rejuvenation": "Dull, dehydrated skin and fine lines on the face.",
    "hair_loss": "Gradual thinning at the crown and frontal hairline.",
}
