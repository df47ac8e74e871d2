"""The demo practice's consent templates, used when the consent app ships no defaults.

Each text names the procedure, its off-label status, the risks with their usual course from
reference §4, the alternatives, aftercare, and photographs (consented to separately).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TemplateText:
    code: str
    title: str
    indication: str
    off_label: bool
    body: str


COMMON = (
    "\n\nAlternatives include no treatment, diet and exercise, and other procedures discussed "
    "with you. Results vary and are not guaranteed; the published evidence for this "
    "treatment is limited. Keep your weight stable (within 5%) during the course so that "
    "its effect can be judged. Photographs are taken only with your separate consent. "
    "Tell the clinic at once about a new tender lump, abscess or ulcer in the weeks after "
    "treatment (this can appear 1 to 12 weeks later), fever, or anything that worries you. "
    "There is a cooling-off period of at least 48 hours between this consent and the first "
    "treatment. You may withdraw consent at any time."
)

TEMPLATES: tuple[TemplateText, ...] = (
    TemplateText(
        "pcdc-lipolysis",
        "Injection lipolysis with phosphatidylcholine/deoxycholate",
        "localized_fat",
        True,
        "Phosphatidylcholine/deoxycholate (PC/DC) is injected into the fat under the skin. "
        "It is not licensed for this use: it is used off-label, and in some countries it is "
        "banned for aesthetic fat reduction. Expected reactions: stinging during treatment, "
        "swelling and bruising (usually gone within 10 days; swelling can last up to 3 "
        "weeks), itching for about a week, and tender nodules that settle in 2 to 4 weeks. "
        "Rare: ulceration, pigmentation, light-headedness, infection." + COMMON,
    ),
    TemplateText(
        "deoxycholic-submental",
        "Deoxycholic acid injection for submental fat",
        "submental_fat",
        False,
        "Deoxycholic acid 10 mg/mL is injected into the fat under the chin on a 1 cm grid, "
        "up to 6 treatments at least one month apart. Expected reactions: swelling, bruising, "
        "pain, numbness and hardness under the chin for days to several weeks. Less common: "
        "weakness of the lower lip or an uneven smile (nerve injury, which has resolved on "
        "its own, median about 6 weeks), difficulty swallowing, skin ulceration or "
        "necrosis, hair loss at the site. Not suitable in pregnancy or while breastfeeding."
        + COMMON,
    ),
    TemplateText(
        "cellulite-mesotherapy",
        "Intradermal mesotherapy for cellulite",
        "cellulite",
        True,
        "A phosphatidylcholine-based solution is injected superficially into the skin of the "
        "treated areas, sometimes with a local anaesthetic (procaine or lidocaine). The "
        "products are used outside their licensed indications. Expected reactions: bruising, "
        "redness and swelling for a few days; occasionally small nodules for 2 to 4 weeks. "
        "Tell us about allergies to local anaesthetics, sulfites or soy." + COMMON,
    ),
    TemplateText(
        "skin-mesotherapy",
        "Skin mesotherapy with hyaluronic acid and vitamins",
        "skin_rejuvenation",
        False,
        "Non-cross-linked hyaluronic acid with vitamins is injected into the skin with many "
        "small superficial injections, usually 4 sessions two weeks to a month apart. "
        "Expected reactions: redness, small bumps and pinpoint bruising for one to a few "
        "days. Active cold sores or skin infection at the site mean the session is "
        "postponed." + COMMON,
    ),
    TemplateText(
        "hair-mesotherapy",
        "Scalp mesotherapy for hair loss (dutasteride or minoxidil)",
        "hair_loss",
        True,
        "A dilute solution of dutasteride 0.05% or minoxidil 0.5% is injected into the scalp "
        "on a schedule over about 12 weeks. These medicines are licensed as tablets or "
        "lotions, not for injection: this is off-label use. Expected reactions: pain during "
        "the injections (reported by about half of patients), redness and small bruises. "
        "Dutasteride must not be used by anyone who is or may become pregnant." + COMMON,
    ),
)
TEMPLATE_BY_INDICATION = {t.indication: t for t in TEMPLATES}
