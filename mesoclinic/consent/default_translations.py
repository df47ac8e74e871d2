"""The default consent templates (consent.defaults) in French, Italian and Spanish: each a
version of the English template with the same code, which a patient who reads that language
signs (consent.models: a template version exists per language).

Faithful translations of the English texts: every figure and its source are kept as cited
there (../shared/reference/mesotherapy-clinical.md, §1.2, §2.1, §2.2, §4, §5.5, §6, §7).
Pure Python. Clinics must review these texts before use.
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

_DEOXYCHOLIC = {
    "fr": """
En quoi consiste le traitement
L'acide désoxycholique (Kybella aux États-Unis, Belkyra ailleurs) est un médicament autorisé pour la graisse sous le menton (graisse sous-mentonnière) modérée à sévère chez l'adulte. Son utilisation dans toute autre zone « n'est pas établie et n'est pas recommandée ». Il est administré en 50 petites injections au maximum de 0,2 mL, espacées de 1 cm (au maximum 10 mL par traitement), jusqu'à 6 traitements espacés d'au moins 1 mois (https://fda.report/DailyMed/fe431ed4-ea6f-4e99-b4bc-ec25ae7b8553/). Il contient de l'alcool benzylique.

Ce qu'ont montré les essais
Dans l'essai REFINE-1, 70,0 % des patients traités se sont améliorés d'au moins un grade à la fois selon l'évaluation du clinicien et selon leur propre évaluation, contre 18,6 % sous placebo (https://journals.lww.com/dermatologicsurgery/Abstract/2016/01000/REFINE_1,_a_Multicenter,_Randomized,_Double_Blind,.5.aspx).

Effets indésirables (513 patients traités contre 506 patients sous placebo dans les essais ayant conduit à l'autorisation, https://mdtodate.com/kybella-side-effects-2)
- Œdème 87 % (placebo 43 %) ; ecchymoses 72 % (70 %) ; douleur 70 % (32 %) ; engourdissement 66 % (6 %) ; rougeur 27 % (18 %) ; induration 23 % (3 %) ; fourmillements 14 % (4 %) ; grosseurs 13 % (3 %) ; démangeaisons 12 % (6 %) ; maux de tête 8 % (4 %).
- Lésion du nerf de la lèvre inférieure (sourire asymétrique) : 4 % (moins de 1 % sous placebo). Tous les cas se sont résolus, en 1 à 298 jours (médiane 44) (https://www.refineaestheticsllc.com/injectables/kybella-safety-info/).
- Difficulté à avaler : 2 %. Tous les cas se sont résolus, en 1 à 81 jours (médiane 3) (même source).
- Rarement : perte de poils, ulcération, mort de la peau (nécrose) ou infection au point d'injection ; le traitement est interrompu jusqu'à la guérison (https://www.oncologynurseadvisor.com/drug/kybella/).

Avant le traitement
Informez-nous de tout traitement anticoagulant, trouble de la coagulation, difficulté à avaler, maladie de la thyroïde, grosseur dans le cou et de toute chirurgie ou tout traitement antérieur du cou. N'arrêtez pas un médicament prescrit sans l'avis de votre prescripteur.

Alternatives
Aucun traitement ; options chirurgicales (par ex. liposuccion) ; injections non autorisées pour dissoudre les graisses (que nous ne recommandons pas lorsqu'un produit autorisé existe).
""".strip(),
    "it": """
In che cosa consiste il trattamento
L'acido desossicolico (Kybella negli Stati Uniti, Belkyra altrove) è un farmaco autorizzato per l'adipe sotto il mento (adipe sottomentoniero) da moderato a grave negli adulti. Il suo uso in qualsiasi altra zona «non è stabilito e non è raccomandato». Viene somministrato con un massimo di 50 piccole iniezioni da 0,2 mL, a 1 cm di distanza l'una dall'altra (al massimo 10 mL per trattamento), fino a 6 trattamenti ad almeno 1 mese di distanza (https://fda.report/DailyMed/fe431ed4-ea6f-4e99-b4bc-ec25ae7b8553/). Contiene alcol benzilico.

Che cosa hanno mostrato gli studi
Nello studio REFINE-1, il 70,0% dei pazienti trattati è migliorato di almeno un grado sia nella valutazione del medico sia nella propria, contro il 18,6% con placebo (https://journals.lww.com/dermatologicsurgery/Abstract/2016/01000/REFINE_1,_a_Multicenter,_Randomized,_Double_Blind,.5.aspx).

Effetti indesiderati (513 pazienti trattati contro 506 con placebo negli studi registrativi, https://mdtodate.com/kybella-side-effects-2)
- Edema (gonfiore) 87% (placebo 43%); ecchimosi 72% (70%); dolore 70% (32%); intorpidimento 66% (6%); arrossamento 27% (18%); indurimento 23% (3%); formicolio 14% (4%); noduli 13% (3%); prurito 12% (6%); mal di testa 8% (4%).
- Lesione del nervo del labbro inferiore (sorriso asimmetrico): 4% (meno dell'1% con placebo). Tutti i casi si sono risolti, dopo 1–298 giorni (mediana 44) (https://www.refineaestheticsllc.com/injectables/kybella-safety-info/).
- Difficoltà a deglutire: 2%. Tutti i casi si sono risolti, dopo 1–81 giorni (mediana 3) (stessa fonte).
- Raramente: perdita di peli, ulcerazione, morte della pelle (necrosi) o infezione nel punto di iniezione; il trattamento viene sospeso finché non guariscono (https://www.oncologynurseadvisor.com/drug/kybella/).

Prima del trattamento
Ci informi se assume anticoagulanti, se ha problemi di coagulazione, difficoltà a deglutire, malattie della tiroide, noduli nel collo e di qualsiasi precedente intervento o trattamento al collo. Non sospenda un farmaco prescritto senza il parere di chi glielo ha prescritto.

Alternative
Nessun trattamento; opzioni chirurgiche (ad es. liposuzione); iniezioni non autorizzate che sciolgono il grasso (che non raccomandiamo quando esiste un prodotto autorizzato).
""".strip(),
    "es": """
En qué consiste el tratamiento
El ácido desoxicólico (Kybella en EE. UU., Belkyra en otros países) es un fármaco autorizado para la grasa de moderada a grave bajo el mentón (grasa submentoniana) en adultos. Su uso en cualquier otra zona «no está establecido y no se recomienda». Se administra en un máximo de 50 pequeñas inyecciones de 0,2 mL, separadas 1 cm (como máximo 10 mL por tratamiento), hasta 6 tratamientos separados al menos 1 mes (https://fda.report/DailyMed/fe431ed4-ea6f-4e99-b4bc-ec25ae7b8553/). Contiene alcohol bencílico.

Qué mostraron los ensayos
En el ensayo REFINE-1, el 70,0 % de los pacientes tratados mejoró al menos un grado tanto en la valoración del médico como en la suya propia, frente al 18,6 % con placebo (https://journals.lww.com/dermatologicsurgery/Abstract/2016/01000/REFINE_1,_a_Multicenter,_Randomized,_Double_Blind,.5.aspx).

Efectos adversos (513 pacientes tratados frente a 506 con placebo en los ensayos de autorización, https://mdtodate.com/kybella-side-effects-2)
- Edema (hinchazón) 87 % (placebo 43 %); hematomas 72 % (70 %); dolor 70 % (32 %); entumecimiento 66 % (6 %); enrojecimiento 27 % (18 %); induración 23 % (3 %); hormigueo 14 % (4 %); bultos 13 % (3 %); picor 12 % (6 %); dolor de cabeza 8 % (4 %).
- Lesión del nervio del labio inferior (sonrisa asimétrica): 4 % (menos del 1 % con placebo). Todos los casos se resolvieron, tras 1 a 298 días (mediana 44) (https://www.refineaestheticsllc.com/injectables/kybella-safety-info/).
- Dificultad para tragar: 2 %. Todos los casos se resolvieron, tras 1 a 81 días (mediana 3) (misma fuente).
- Raramente: pérdida de vello, ulceración, muerte de la piel (necrosis) o infección en la zona; el tratamiento se interrumpe hasta que se curen (https://www.oncologynurseadvisor.com/drug/kybella/).

Antes del tratamiento
Infórmenos si toma anticoagulantes, si tiene problemas de coagulación, dificultad para tragar, enfermedad de tiroides, bultos en el cuello y de cualquier cirugía o tratamiento previo en el cuello. No deje un medicamento recetado sin el consejo de quien se lo recetó.

Alternativas
Ningún tratamiento; opciones quirúrgicas (p. ej., liposucción); inyecciones no autorizadas para disolver la grasa (que no recomendamos cuando existe un producto autorizado).
""".strip(),
}

_SKIN = {
    "fr": """
En quoi consiste le traitement
La mésothérapie consiste à injecter de très petites quantités d'un produit (par exemple de l'acide hyaluronique non réticulé associé à des vitamines) dans la peau avec une aiguille courte et fine, généralement en cure, par exemple 4 séances espacées de 15 jours ou 4 séances espacées d'un mois (https://www.springermedicine.com/link?doi=10.1007%2Fs13555-012-0018-2 ; http://onlinelibrary.wiley.com/doi/10.1111/j.1524-4725.2006.32353.x/abstract).

Ce que montrent les données
Les données sont limitées. Des études non contrôlées ont rapporté une amélioration (par exemple chez 50 patients traités par acide hyaluronique et vitamines), mais une étude portant sur 10 patients n'a trouvé aucun changement clinique ni microscopique. Une synthèse de plusieurs revues n'a trouvé « aucune preuve de l'efficacité de cette pratique » pour les usages esthétiques (https://e-lactancia.org/breastfeeding/mesotherapy/product/). Les résultats varient et ne sont pas garantis.

Risques
- Fréquents et passagers : douleur pendant l'injection, rougeur, œdème, petites ecchymoses et petites bosses aux points d'injection (effets légers et passagers rapportés dans l'ensemble des essais de mésothérapie, https://medicaljournals.se/jrm/content/html/10.2340/16501977-2817).
- Réactions allergiques ou inflammatoires à un composant, parfois une semaine ou plus après le traitement (https://actasdermo.org/en-intense-local-reaction-at-sites-articulo-S1578219017303384).
- Infection, y compris à mycobactéries : des épidémies ont suivi des séances de mésothérapie lorsque les produits ou la technique étaient contaminés (https://ouci.dntb.gov.ua/en/works/lmjvaLj9).
- Le produit, son numéro de lot et sa date de péremption sont enregistrés à chaque traitement.

Alternatives
Aucun traitement ; soins de la peau et protection solaire ; d'autres traitements de la peau dont votre praticien peut vous parler.
""".strip(),
    "it": """
In che cosa consiste il trattamento
La mesoterapia consiste nell'iniettare quantità molto piccole di un prodotto (ad esempio acido ialuronico non reticolato con vitamine) nella pelle con un ago corto e sottile, di solito in un ciclo, per esempio 4 sedute a 15 giorni di distanza o 4 sedute a un mese di distanza (https://www.springermedicine.com/link?doi=10.1007%2Fs13555-012-0018-2 ; http://onlinelibrary.wiley.com/doi/10.1111/j.1524-4725.2006.32353.x/abstract).

Che cosa mostrano le evidenze
Le evidenze sono limitate. Studi non controllati hanno riportato un miglioramento (per esempio 50 pazienti trattati con acido ialuronico e vitamine), ma uno studio su 10 pazienti non ha trovato alcun cambiamento clinico né microscopico. Una sintesi di diverse revisioni non ha trovato «nessuna evidenza sull'efficacia di questa pratica» per gli usi estetici (https://e-lactancia.org/breastfeeding/mesotherapy/product/). I risultati variano e non sono garantiti.

Rischi
- Comuni e temporanei: dolore durante l'iniezione, arrossamento, edema (gonfiore), piccole ecchimosi e piccoli rilievi nei punti di iniezione (effetti lievi e temporanei riportati negli studi sulla mesoterapia, https://medicaljournals.se/jrm/content/html/10.2340/16501977-2817).
- Reazioni allergiche o infiammatorie a un componente, talvolta una settimana o più dopo il trattamento (https://actasdermo.org/en-intense-local-reaction-at-sites-articulo-S1578219017303384).
- Infezione, anche da micobatteri: si sono verificati focolai dopo la mesoterapia quando i prodotti o la tecnica erano contaminati (https://ouci.dntb.gov.ua/en/works/lmjvaLj9).
- Il prodotto, il suo numero di lotto e la data di scadenza vengono registrati a ogni trattamento.

Alternative
Nessun trattamento; cura della pelle e protezione solare; altri trattamenti della pelle di cui il professionista può parlarLe.
""".strip(),
    "es": """
En qué consiste el tratamiento
La mesoterapia consiste en inyectar cantidades muy pequeñas de un producto (por ejemplo, ácido hialurónico no reticulado con vitaminas) en la piel con una aguja corta y fina, normalmente en un ciclo, por ejemplo 4 sesiones separadas 15 días o 4 sesiones separadas un mes (https://www.springermedicine.com/link?doi=10.1007%2Fs13555-012-0018-2 ; http://onlinelibrary.wiley.com/doi/10.1111/j.1524-4725.2006.32353.x/abstract).

Qué muestra la evidencia
La evidencia es limitada. Estudios no controlados describieron una mejoría (por ejemplo, 50 pacientes tratados con ácido hialurónico y vitaminas), pero un estudio de 10 pacientes no encontró ningún cambio clínico ni microscópico. Un resumen de varias revisiones no encontró «ninguna evidencia sobre la eficacia de esta práctica» para usos estéticos (https://e-lactancia.org/breastfeeding/mesotherapy/product/). Los resultados varían y no están garantizados.

Riesgos
- Frecuentes y pasajeros: dolor durante la inyección, enrojecimiento, edema (hinchazón), pequeños hematomas y bultos en los puntos de inyección (efectos leves y pasajeros descritos en los ensayos de mesoterapia, https://medicaljournals.se/jrm/content/html/10.2340/16501977-2817).
- Reacciones alérgicas o inflamatorias a un componente, a veces una semana o más después del tratamiento (https://actasdermo.org/en-intense-local-reaction-at-sites-articulo-S1578219017303384).
- Infección, incluida la infección por micobacterias: se han producido brotes tras la mesoterapia cuando los productos o la técnica estaban contaminados (https://ouci.dntb.gov.ua/en/works/lmjvaLj9).
- El producto, su número de lote y su fecha de caducidad se registran en cada tratamiento.

Alternativas
Ningún tratamiento; cuidado de la piel y protección solar; otros tratamientos de la piel que su facultativo puede comentarle.
""".strip(),
}

_HAIR = {
    "fr": """
En quoi consiste le traitement
La mésothérapie capillaire consiste à injecter de petites quantités d'un produit (par exemple du dutastéride à 0,05 % ou une préparation d'extraits de plantes et de vitamines) dans le cuir chevelu. Dans un essai, les injections avaient lieu aux semaines 0, 1, 2, 3, 5, 7 et 11 (https://www.drsplinck.nl/mesotherapie-studieresultaten/) ; votre praticien vous expliquera votre calendrier et le produit utilisé.

Ce que montrent les données
La mésothérapie au dutastéride a fait mieux que l'eau salée dans un petit essai portant sur 28 hommes (https://www.drsplinck.nl/mesotherapie-studieresultaten/). Comparée au minoxidil à 5 % appliqué sur le cuir chevelu, la mésothérapie n'a montré aucun avantage global significatif (https://ichgcp.net/ru/clinical-trials-registry/publications/49160-comparative-study-between-mesotherapy-and-topical-5-minoxidil-by-dermoscopic-evaluation-for). Les résultats varient et ne sont pas garantis.

Risques
- Douleur pendant l'injection : 45,5 % de 541 patients traités par dutastéride ; aucun effet indésirable grave ni sexuel n'a été rapporté dans cette série (https://searchworks.jioinstitute.edu.in/?f%5Beds_subject_topic_facet%5D%5B%5D=male&q=%22Sergio+Va%C3%B1%C3%B3-Galv%C3%A1n%22&search_field=author).
- Rougeur, œdème, petites ecchymoses ou points de saignement sur le cuir chevelu, maux de tête (effets légers et passagers rapportés dans l'ensemble des essais de mésothérapie, https://medicaljournals.se/jrm/content/html/10.2340/16501977-2817).
- Infection, y compris à mycobactéries après des injections contaminées (https://ouci.dntb.gov.ua/en/works/lmjvaLj9).

Alternatives
Aucun traitement ; médicaments appliqués sur le cuir chevelu ou pris par la bouche ; d'autres traitements dont votre praticien peut vous parler.
""".strip(),
    "it": """
In che cosa consiste il trattamento
La mesoterapia per i capelli consiste nell'iniettare piccole quantità di un prodotto (per esempio dutasteride allo 0,05% o un preparato di estratti vegetali e vitamine) nel cuoio capelluto. In uno studio le iniezioni sono state fatte alle settimane 0, 1, 2, 3, 5, 7 e 11 (https://www.drsplinck.nl/mesotherapie-studieresultaten/); il professionista Le spiegherà il Suo calendario e quale prodotto viene usato.

Che cosa mostrano le evidenze
La mesoterapia con dutasteride ha dato risultati migliori dell'acqua salata in un piccolo studio su 28 uomini (https://www.drsplinck.nl/mesotherapie-studieresultaten/). Rispetto al minoxidil 5% applicato sul cuoio capelluto, la mesoterapia non ha mostrato alcun vantaggio complessivo significativo (https://ichgcp.net/ru/clinical-trials-registry/publications/49160-comparative-study-between-mesotherapy-and-topical-5-minoxidil-by-dermoscopic-evaluation-for). I risultati variano e non sono garantiti.

Rischi
- Dolore durante l'iniezione: 45,5% di 541 pazienti trattati con dutasteride; in quella serie non sono stati riportati effetti indesiderati gravi né sessuali (https://searchworks.jioinstitute.edu.in/?f%5Beds_subject_topic_facet%5D%5B%5D=male&q=%22Sergio+Va%C3%B1%C3%B3-Galv%C3%A1n%22&search_field=author).
- Arrossamento, edema (gonfiore), piccole ecchimosi o punti di sanguinamento sul cuoio capelluto, mal di testa (effetti lievi e temporanei riportati negli studi sulla mesoterapia, https://medicaljournals.se/jrm/content/html/10.2340/16501977-2817).
- Infezione, anche da micobatteri dopo iniezioni contaminate (https://ouci.dntb.gov.ua/en/works/lmjvaLj9).

Alternative
Nessun trattamento; farmaci applicati sul cuoio capelluto o assunti per bocca; altri trattamenti di cui il professionista può parlarLe.
""".strip(),
    "es": """
En qué consiste el tratamiento
La mesoterapia capilar consiste en inyectar pequeñas cantidades de un producto (por ejemplo, dutasterida al 0,05 % o un preparado de extractos vegetales y vitaminas) en el cuero cabelludo. En un ensayo, las inyecciones se pusieron en las semanas 0, 1, 2, 3, 5, 7 y 11 (https://www.drsplinck.nl/mesotherapie-studieresultaten/); su facultativo le explicará su calendario y qué producto se usa.

Qué muestra la evidencia
La mesoterapia con dutasterida obtuvo mejores resultados que el agua salada en un pequeño ensayo con 28 hombres (https://www.drsplinck.nl/mesotherapie-studieresultaten/). Frente al minoxidil al 5 % aplicado en el cuero cabelludo, la mesoterapia no mostró ninguna ventaja global significativa (https://ichgcp.net/ru/clinical-trials-registry/publications/49160-comparative-study-between-mesotherapy-and-topical-5-minoxidil-by-dermoscopic-evaluation-for). Los resultados varían y no están garantizados.

Riesgos
- Dolor durante la inyección: 45,5 % de 541 pacientes tratados con dutasterida; en esa serie no se describieron efectos adversos graves ni sexuales (https://searchworks.jioinstitute.edu.in/?f%5Beds_subject_topic_facet%5D%5B%5D=male&q=%22Sergio+Va%C3%B1%C3%B3-Galv%C3%A1n%22&search_field=author).
- Enrojecimiento, edema (hinchazón), pequeños hematomas o puntos de sangrado en el cuero cabelludo, dolor de cabeza (efectos leves y pasajeros descritos en los ensayos de mesoterapia, https://medicaljournals.se/jrm/content/html/10.2340/16501977-2817).
- Infección, incluida la infección por micobacterias tras inyecciones contaminadas (https://ouci.dntb.gov.ua/en/works/lmjvaLj9).

Alternativas
Ningún tratamiento; medicamentos aplicados en el cuero cabelludo o tomados por boca; otros tratamientos que su facultativo puede comentarle.
""".strip(),
}

_TITLES = {
    "pcdc-lipolysis": {
        "fr": "Lipolyse par injection de phosphatidylcholine/désoxycholate (PC/DC)",
        "it": "Intralipoterapia con fosfatidilcolina/desossicolato (PC/DC)",
        "es": "Lipólisis inyectable con fosfatidilcolina/desoxicolato (PC/DC)",
    },
    "deoxycholic-submental": {
        "fr": "Acide désoxycholique (Kybella/Belkyra) pour la graisse sous-mentonnière",
        "it": "Acido desossicolico (Kybella/Belkyra) per l'adipe sottomentoniero",
        "es": "Ácido desoxicólico (Kybella/Belkyra) para la grasa submentoniana",
    },
    "skin-mesotherapy": {
        "fr": "Mésothérapie cutanée (rajeunissement cutané)",
        "it": "Mesoterapia cutanea (ringiovanimento cutaneo)",
        "es": "Mesoterapia cutánea (rejuvenecimiento cutáneo)",
    },
    "hair-mesotherapy": {
        "fr": "Mésothérapie capillaire (chute des cheveux)",
        "it": "Mesoterapia per i capelli (caduta dei capelli)",
        "es": "Mesoterapia capilar (caída del cabello)",
    },
}

_BODIES = {
    "pcdc-lipolysis": _PCDC,
    "deoxycholic-submental": _DEOXYCHOLIC,
    "skin-mesotherapy": _SKIN,
    "hair-mesotherapy": _HAIR,
}

# (code, language) -> (title, body): each default template's text in French, Italian and
# Spanish, ending with the same aftercare, photographs and rights section as the English.
DEFAULT_TRANSLATIONS: dict[tuple[str, str], tuple[str, str]] = {
    (code, language): (_TITLES[code][language], f"{body[language]}\n\n{_AFTERCARE[language]}")
    for code, body in _BODIES.items()
    for language in ("fr", "it", "es")
}
