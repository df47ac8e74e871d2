"""The demo's own consent text (cellulite, which the consent app's defaults do not cover) in
French, Italian and Spanish, with the defaults' translations (consent.default_translations):
each a version of the English template with the same code (a translation the patient signs,
consent.models).

Faithful translations of the English text (demo.consent_texts): every figure and its source
are kept as cited there (../shared/reference/mesotherapy-clinical.md). Clinics must review
these texts before use.
"""

from __future__ import annotations

from mesoclinic.consent.default_translations import DEFAULT_TRANSLATIONS

_CELLULITE_COMMON = {
    "fr": (
        "\n\nLes alternatives comprennent l'absence de traitement, l'alimentation et l'activité "
        "physique, et d'autres techniques discutées avec vous. Les résultats varient et ne sont "
        "pas garantis ; les données publiées sur ce traitement sont limitées. Gardez un poids "
        "stable (à 5 % près) pendant la cure afin que son effet puisse être évalué. Les "
        "photographies ne sont prises qu'avec votre consentement distinct. Signalez "
        "immédiatement à la clinique toute nouvelle grosseur sensible, tout abcès ou ulcère "
        "dans les semaines suivant le traitement (cela peut apparaître 1 à 12 semaines après), "
        "toute fièvre ou tout ce qui vous inquiète. Un délai de réflexion d'au moins 48 heures "
        "sépare ce consentement du premier traitement. Vous pouvez retirer votre consentement "
        "à tout moment."
    ),
    "it": (
        "\n\nLe alternative comprendono nessun trattamento, dieta ed esercizio fisico e altre "
        "procedure discusse con Lei. I risultati variano e non sono garantiti; le evidenze "
        "pubblicate su questo trattamento sono limitate. Mantenga il peso stabile (entro il 5%) "
        "durante il ciclo, così che se ne possa valutare l'effetto. Le fotografie vengono "
        "scattate solo con il Suo consenso separato. Avvisi subito la clinica in caso di un "
        "nuovo nodulo dolente, ascesso o ulcera nelle settimane dopo il trattamento (possono "
        "comparire da 1 a 12 settimane dopo), febbre o qualsiasi cosa La preoccupi. Tra questo "
        "consenso e il primo trattamento c'è un periodo di riflessione di almeno 48 ore. Può "
        "revocare il consenso in qualsiasi momento."
    ),
    "es": (
        "\n\nLas alternativas incluyen no tratarse, dieta y ejercicio, y otros procedimientos "
        "comentados con usted. Los resultados varían y no están garantizados; la evidencia "
        "publicada sobre este tratamiento es limitada. Mantenga un peso estable (dentro de un "
        "margen del 5 %) durante el ciclo para que pueda valorarse su efecto. Solo se toman "
        "fotografías con su consentimiento aparte. Avise de inmediato a la clínica si aparece "
        "un bulto doloroso, un absceso o una úlcera en las semanas posteriores al tratamiento "
        "(puede aparecer entre 1 y 12 semanas después), fiebre o cualquier cosa que le "
        "preocupe. Entre este consentimiento y el primer tratamiento hay un periodo de "
        "reflexión de al menos 48 horas. Puede retirar su consentimiento en cualquier momento."
    ),
}

_CELLULITE = {
    "fr": (
        "Une solution à base de phosphatidylcholine est injectée superficiellement dans la "
        "peau des zones traitées, parfois avec un anesthésique local (procaïne ou lidocaïne). "
        "Les produits sont utilisés en dehors de leurs indications autorisées. Réactions "
        "attendues : ecchymoses, rougeur et œdème pendant quelques jours ; parfois de petits "
        "nodules pendant 2 à 4 semaines. Signalez-nous toute allergie aux anesthésiques "
        "locaux, aux sulfites ou au soja."
    ),
    "it": (
        "Una soluzione a base di fosfatidilcolina viene iniettata superficialmente nella pelle "
        "delle zone trattate, talvolta con un anestetico locale (procaina o lidocaina). I "
        "prodotti sono usati al di fuori delle indicazioni autorizzate. Reazioni attese: "
        "ecchimosi, arrossamento e gonfiore per alcuni giorni; a volte piccoli noduli per 2–4 "
        "settimane. Ci segnali eventuali allergie agli anestetici locali, ai solfiti o alla soia."
    ),
    "es": (
        "Se inyecta superficialmente en la piel de las zonas tratadas una solución a base de "
        "fosfatidilcolina, a veces con un anestésico local (procaína o lidocaína). Los "
        "productos se usan fuera de sus indicaciones autorizadas. Reacciones esperadas: "
        "hematomas, enrojecimiento e hinchazón durante unos días; a veces pequeños nódulos "
        "durante 2 a 4 semanas. Infórmenos de cualquier alergia a anestésicos locales, "
        "sulfitos o soja."
    ),
}

# (code, language) -> (title, body)
TRANSLATIONS: dict[tuple[str, str], tuple[str, str]] = {
    **DEFAULT_TRANSLATIONS,
    **{
        ("cellulite-mesotherapy", lang): (title, _CELLULITE[lang] + _CELLULITE_COMMON[lang])
        for lang, title in (
            ("fr", "Mésothérapie intradermique de la cellulite"),
            ("it", "Mesoterapia intradermica per la cellulite"),
            ("es", "Mesoterapia intradérmica para la celulitis"),
        )
    },
}
