"""The demo's consent texts in French, Italian and Spanish: each a version of the English
template with the same code (a translation the patient signs, consent.models).

Faithful translations of the English texts (consent.defaults, demo.consent_texts): every
figure and its source are kept as cited there (../shared/reference/mesotherapy-clinical.md).
The PC/DC and cellulite texts are translated; the other texts stay in English until a
translator reviews them. Clinics must review these texts before use.
"""

from __future__ import annotations

_AFTERCARE = {
    "fr": """
Après le traitement
- Contactez immédiatement la clinique en cas de : rougeur qui s'étend, chaleur, fièvre ou malaise ; apparition de grosseurs, d'abcès, d'écoulement ou de plaies ouvertes, qui peuvent survenir 1 à 12 semaines après les injections et correspondre à une infection à mycobactéries nécessitant une biopsie (https://proxy.weglot.com/wg_8714b7f1589aa0f6c92979708057c4a57/en/es/pubmed.ncbi.nlm.nih.gov/17550571).
- La clinique vous contactera environ 48 à 72 heures, 2 semaines, 4 à 6 semaines et 12 semaines après le traitement pour vous interroger sur les effets indésirables.

Photographies
Des photographies cliniques ne sont prises qu'avec votre consentement distinct, consigné sur ce formulaire, qui couvre leur conservation, leur consultation et leur utilisation future (https://www.aestheticsunlocked.co.uk/blog/record-keeping-aesthetic-practice-uk).

Vos droits
Vous pouvez poser des questions à tout moment, prendre le temps de décider et retirer votre consentement à tout moment, avant ou entre les séances, sans avoir à vous justifier.
""".strip(),
    "it": """
Dopo il trattamento
- Contatti subito la clinica in caso di: arrossamento che si estende, calore, febbre o malessere; comparsa di noduli, ascessi, secrezioni o ferite aperte, che possono comparire da 1 a 12 settimane dopo le iniezioni e possono essere un'infezione da micobatteri che richiede una biopsia (https://proxy.weglot.com/wg_8714b7f1589aa0f6c92979708057c4a57/en/es/pubmed.ncbi.nlm.nih.gov/17550571).
- La clinica La contatterà circa 48–72 ore, 2 settimane, 4–6 settimane e 12 settimane dopo il trattamento per chiederLe degli effetti indesiderati.

Fotografie
Le fotografie cliniche vengono scattate solo con il Suo consenso separato, registrato su questo modulo, che ne copre la conservazione, la consultazione e l'uso futuro (https://www.aestheticsunlocked.co.uk/blog/record-keeping-aesthetic-practice-uk).

I Suoi diritti
Può fare domande in qualsiasi momento, prendersi il tempo per decidere e revocare il consenso in qualsiasi momento, prima o tra le sedute, senza doverne dare motivazione.
""".strip(),
    "es": """
Después del tratamiento
- Contacte de inmediato con la clínica si nota: enrojecimiento que se extiende, calor, fiebre o malestar; bultos nuevos, abscesos, supuración o heridas abiertas, que pueden aparecer entre 1 y 12 semanas después de las inyecciones y pueden ser una infección por micobacterias que requiera una biopsia (https://proxy.weglot.com/wg_8714b7f1589aa0f6c92979708057c4a57/en/es/pubmed.ncbi.nlm.nih.gov/17550571).
- La clínica se pondrá en contacto con usted unas 48–72 horas, 2 semanas, 4–6 semanas y 12 semanas después del tratamiento para preguntarle por los efectos adversos.

Fotografías
Solo se toman fotografías clínicas con su consentimiento aparte, registrado en este formulario, que cubre su conservación, consulta y uso futuro (https://www.aestheticsunlocked.co.uk/blog/record-keeping-aesthetic-practice-uk).

Sus derechos
Puede hacer preguntas en cualquier momento, tomarse tiempo para decidir y retirar su consentimiento en cualquier momento, antes de las sesiones o entre ellas, sin dar explicaciones.
""".strip(),
}

_PCDC = {
    "fr": """
En quoi consiste le traitement
La lipolyse par injection (« injections qui dissolvent les graisses ») consiste à injecter de la phosphatidylcholine (PC) associée à du désoxycholate de sodium (DC) dans la graisse située sous la peau. Le désoxycholate agit comme un détergent qui détruit les cellules graisseuses, ce qui provoque une inflammation. Ce n'est pas la même chose que la mésothérapie (https://pubmed.ncbi.nlm.nih.gov/16681654/). Une cure comprend habituellement 2 à 4 séances espacées d'environ 8 semaines (https://flexikon.doccheck.com/de/Injektionslipolyse).

Utilisation hors AMM et statut réglementaire : à lire attentivement
- Aucun produit PC/DC n'est autorisé pour dissoudre les graisses. Le produit utilisé pour ce traitement l'est HORS AMM, en dehors de l'usage pour lequel il a été autorisé (https://www.naturheilpraxis-claudia-stange.de/injektions-lipolyse).
- En 2010, la FDA américaine a déclaré n'avoir « connaissance d'aucune preuve scientifique crédible » que ces injections éliminent les graisses, et que leur sécurité « seules ou en association est inconnue » (https://www.empr.com/uncategorized/fda-issues-warning-letters-for-fat-eliminating-products/).
- La France a interdit l'injection de produits lipolytiques (PC ou désoxycholate de sodium) à visée de réduction esthétique des graisses (décret n° 2011-382 ; confirmé par le Conseil d'État le 17 février 2012) (http://legifrance.gouv.fr/affichTexte.do?cidTexte=JORFTEXT000023845272 ; https://affairesjuridiques.aphp.fr/textes/conseil-detat-17-fevrier-2012-n-349431-actes-a-visee-esthetique-reglementation).
- Aucun essai contrôlé contre placebo ne montre son efficacité. De grandes séries non contrôlées rapportent que 73,8 % à 86,5 % des patients étaient satisfaits (https://zendy.io/title/10.1111/j.1473-2165.2006.00257.x ; http://jcadonline.com/lipodissolve-for-body-sculpting-safety-effectiveness-and-patient-satisfaction/).

Effets attendus et risques
- Œdème et ecchymoses chez presque tous les patients, disparaissant le plus souvent en 10 jours ; picotements ou douleur pendant le traitement et pendant 30 minutes après (série de 1 616 patients, http://jcadonline.com/lipodissolve-for-body-sculpting-safety-effectiveness-and-patient-satisfaction/).
- Dans une enquête britannique portant sur 10 581 traitements, les effets locaux étaient le plus souvent légers ; des effets ailleurs dans le corps (diarrhée, nausées, vertiges, saignements entre les règles) sont survenus dans 3 % des cas ; des réactions inhabituellement sévères ou prolongées dans 0,14 % des cas, toutes résolues (https://zendy.io/title/10.1111/j.1473-2165.2006.00257.x).
- Moins fréquents : grosseurs sensibles (nodules), modification de la couleur de la peau, sensation de tête légère ; une ulcération cutanée a été rapportée chez 2 patients sur 1 616 (http://jcadonline.com/lipodissolve-for-body-sculpting-safety-effectiveness-and-patient-satisfaction/).
- Les signalements à la FDA comprennent des cicatrices permanentes, des déformations de la peau et des nœuds profonds douloureux (https://www.empr.com/uncategorized/fda-issues-warning-letters-for-fat-eliminating-products/).
- Infection, y compris des épidémies d'infections à mycobactéries après des injections dans d'autres cliniques (voir « Après le traitement »).

Votre poids
Les variations de votre poids modifient le résultat. Les études demandaient aux participants de garder leur poids à 5 % près (http://cdek.wustl.edu/trial/NCT03510598/) ; nous vous pèserons à chaque visite.

Alternatives
Aucun traitement ; alimentation et activité physique ; retrait chirurgical de la graisse ; pour la graisse sous le menton uniquement, un produit autorisé à base d'acide désoxycholique.
""".strip(),
    "it": """
In che cosa consiste il trattamento
L'intralipoterapia (lipolisi iniettiva, «iniezioni che sciolgono il grasso») consiste nell'iniettare fosfatidilcolina (PC) con sodio desossicolato (DC) nel grasso sotto la pelle. Il desossicolato agisce come un detergente che distrugge le cellule adipose; ciò provoca un'infiammazione. Non è la stessa cosa della mesoterapia (https://pubmed.ncbi.nlm.nih.gov/16681654/). Un ciclo prevede di solito 2–4 sedute a circa 8 settimane di distanza (https://flexikon.doccheck.com/de/Injektionslipolyse).

Uso off-label e stato regolatorio: legga con attenzione
- Nessun prodotto PC/DC è autorizzato per sciogliere il grasso. Il prodotto usato per questo trattamento è usato OFF-LABEL, al di fuori dell'uso per cui è stato autorizzato (https://www.naturheilpraxis-claudia-stange.de/injektions-lipolyse).
- Nel 2010 la FDA statunitense ha dichiarato di «non essere a conoscenza di alcuna prova scientifica credibile» che queste iniezioni eliminino il grasso, e che la loro sicurezza «da sole o in combinazione è sconosciuta» (https://www.empr.com/uncategorized/fda-issues-warning-letters-for-fat-eliminating-products/).
- La Francia ha vietato l'iniezione di prodotti lipolitici (PC o sodio desossicolato) per la riduzione estetica del grasso (decreto 2011-382; confermato dal Conseil d'État il 17 febbraio 2012) (http://legifrance.gouv.fr/affichTexte.do?cidTexte=JORFTEXT000023845272 ; https://affairesjuridiques.aphp.fr/textes/conseil-detat-17-fevrier-2012-n-349431-actes-a-visee-esthetique-reglementation).
- Non esiste uno studio controllato con placebo che ne dimostri l'efficacia. Ampie casistiche non controllate riportano che dal 73,8% all'86,5% dei pazienti era soddisfatto (https://zendy.io/title/10.1111/j.1473-2165.2006.00257.x ; http://jcadonline.com/lipodissolve-for-body-sculpting-safety-effectiveness-and-patient-satisfaction/).

Effetti attesi e rischi
- Gonfiore ed ecchimosi in quasi tutti i pazienti, per lo più scomparsi entro 10 giorni; bruciore o dolore durante il trattamento e per 30 minuti dopo (casistica di 1.616 pazienti, http://jcadonline.com/lipodissolve-for-body-sculpting-safety-effectiveness-and-patient-satisfaction/).
- In un'indagine britannica su 10.581 trattamenti gli effetti locali sono stati per lo più lievi; effetti in altre parti del corpo (diarrea, nausea, capogiri, sanguinamento tra le mestruazioni) si sono verificati nel 3%; reazioni insolitamente gravi o prolungate nello 0,14%, tutte risolte (https://zendy.io/title/10.1111/j.1473-2165.2006.00257.x).
- Meno comuni: noduli dolenti, alterazioni del colore della pelle, sensazione di testa leggera; un'ulcerazione cutanea è stata riportata in 2 pazienti su 1.616 (http://jcadonline.com/lipodissolve-for-body-sculpting-safety-effectiveness-and-patient-satisfaction/).
- Le segnalazioni alla FDA comprendono cicatrici permanenti, deformazioni della pelle e noduli profondi dolorosi (https://www.empr.com/uncategorized/fda-issues-warning-letters-for-fat-eliminating-products/).
- Infezione, compresi focolai di infezione da micobatteri dopo iniezioni in altre cliniche (vedi «Dopo il trattamento»).

Il Suo peso
Le variazioni di peso modificano il risultato. Gli studi chiedevano ai partecipanti di mantenere il peso entro il 5% (http://cdek.wustl.edu/trial/NCT03510598/); La peseremo a ogni visita.

Alternative
Nessun trattamento; dieta ed esercizio fisico; rimozione chirurgica del grasso; solo per il grasso sotto il mento, un prodotto autorizzato a base di acido desossicolico.
""".strip(),
    "es": """
En qué consiste el tratamiento
La lipólisis inyectable (intralipoterapia, «inyecciones que disuelven la grasa») consiste en inyectar fosfatidilcolina (PC) con desoxicolato sódico (DC) en la grasa situada bajo la piel. El desoxicolato actúa como un detergente que destruye las células grasas; esto provoca inflamación. No es lo mismo que la mesoterapia (https://pubmed.ncbi.nlm.nih.gov/16681654/). Un ciclo suele constar de 2–4 sesiones separadas unas 8 semanas (https://flexikon.doccheck.com/de/Injektionslipolyse).

Uso fuera de ficha técnica y situación regulatoria: léalo con atención
- Ningún producto de PC/DC está autorizado para disolver la grasa. El producto empleado en este tratamiento se usa FUERA DE FICHA TÉCNICA, fuera del uso para el que fue autorizado (https://www.naturheilpraxis-claudia-stange.de/injektions-lipolyse).
- En 2010 la FDA estadounidense declaró «no tener conocimiento de ninguna prueba científica creíble» de que estas inyecciones eliminen la grasa, y que su seguridad «solas o en combinación se desconoce» (https://www.empr.com/uncategorized/fda-issues-warning-letters-for-fat-eliminating-products/).
- Francia prohibió la inyección de productos lipolíticos (PC o desoxicolato sódico) con fines de reducción estética de la grasa (Decreto 2011-382; confirmado por el Conseil d'État el 17 de febrero de 2012) (http://legifrance.gouv.fr/affichTexte.do?cidTexte=JORFTEXT000023845272 ; https://affairesjuridiques.aphp.fr/textes/conseil-detat-17-fevrier-2012-n-349431-actes-a-visee-esthetique-reglementation).
- No existe ningún ensayo controlado con placebo que demuestre su eficacia. Grandes series no controladas indican que entre el 73,8 % y el 86,5 % de los pacientes quedaron satisfechos (https://zendy.io/title/10.1111/j.1473-2165.2006.00257.x ; http://jcadonline.com/lipodissolve-for-body-sculpting-safety-effectiveness-and-patient-satisfaction/).

Efectos esperados y riesgos
- Hinchazón y hematomas en casi todos los pacientes, que en su mayoría desaparecen en 10 días; escozor o dolor durante el tratamiento y durante los 30 minutos siguientes (serie de 1.616 pacientes, http://jcadonline.com/lipodissolve-for-body-sculpting-safety-effectiveness-and-patient-satisfaction/).
- En una encuesta británica sobre 10.581 tratamientos, los efectos locales fueron en su mayoría leves; hubo efectos en otras partes del cuerpo (diarrea, náuseas, mareo, sangrado entre reglas) en el 3 %; reacciones inusualmente intensas o prolongadas en el 0,14 %, todas resueltas (https://zendy.io/title/10.1111/j.1473-2165.2006.00257.x).
- Menos frecuentes: bultos dolorosos (nódulos), cambios de color de la piel, sensación de mareo; se notificó ulceración cutánea en 2 de 1.616 pacientes (http://jcadonline.com/lipodissolve-for-body-sculpting-safety-effectiveness-and-patient-satisfaction/).
- Las notificaciones a la FDA incluyen cicatrices permanentes, deformación de la piel y nódulos profundos dolorosos (https://www.empr.com/uncategorized/fda-issues-warning-letters-for-fat-eliminating-products/).
- Infección, incluidos brotes de infección por micobacterias tras inyecciones en otras clínicas (véase «Después del tratamiento»).

Su peso
Los cambios de peso modifican el resultado. Los estudios pedían a los participantes mantener su peso dentro de un margen del 5 % (http://cdek.wustl.edu/trial/NCT03510598/); le pesaremos en cada visita.

Alternativas
Ningún tratamiento; dieta y ejercicio; extirpación quirúrgica de la grasa; solo para la grasa bajo la barbilla, un producto autorizado de ácido desoxicólico.
""".strip(),
}

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
    **{
        ("pcdc-lipolysis", lang): (title, f"{_PCDC[lang]}\n\n{_AFTERCARE[lang]}")
        for lang, title in (
            ("fr", "Lipolyse par injection de phosphatidylcholine/désoxycholate (PC/DC)"),
            ("it", "Intralipoterapia con fosfatidilcolina/desossicolato (PC/DC)"),
            ("es", "Lipólisis inyectable con fosfatidilcolina/desoxicolato (PC/DC)"),
        )
    },
    **{
        ("cellulite-mesotherapy", lang): (title, _CELLULITE[lang] + _CELLULITE_COMMON[lang])
        for lang, title in (
            ("fr", "Mésothérapie intradermique de la cellulite"),
            ("it", "Mesoterapia intradermica per la cellulite"),
            ("es", "Mesoterapia intradérmica para la celulitis"),
        )
    },
}
