/**
 * Free-text fallbacks (knowledge.md §2.9, §2.3.2, §2.4), compiled once. A record recognised only by these is
 * "matched by text": lower confidence, so a card resting on it is capped at warning (decision 5) or at info where
 * the knowledge base says so (§2.3.2 vertebral-fracture text). Patterns are tested against display + text.
 */

export const DENOSUMAB_TEXT =
  /denosumab|prolia|xgeva|jubbonti|wyost|ospomyv|obodence|xbryk|stoboclo|osenvelt|conexxence|bomyntra|bildyos|bilprevda|bosaya|aukelso|enoby|xtrenbo|osvyrti|jubereq|boncresa|oziltus/i;
/** R1a strength regexes: 60 mg (60 mg/mL, 1 mL) = osteoporosis; 120 mg, 70 mg/mL or 1.7 mL = oncology. */
export const DENOSUMAB_OSTEOPOROSIS_STRENGTH = /\b60\s*mg\b|60\s*mg\s*\/\s*ml/i;
export const DENOSUMAB_ONCOLOGY_STRENGTH = /\b120\s*mg\b|70\s*mg\s*\/\s*ml|1\.7\s*ml/i;
/**
 * R1 brand lists (Prolia-type vs Xgeva-type), used only after codes, dose and strength text. US biosimilars come in
 * pairs that share one suffixed name (Jubbonti/Wyost denosumab-bbdz, Ospomyv (Obodence)/Xbryk -dssb,
 * Stoboclo/Osenvelt -bmwo, Conexxence/Bomyntra -bnht, Bildyos/Bilprevda -nxxp, Bosaya/Aukelso -kyqq,
 * Enoby/Xtrenbo, Osvyrti/Jubereq -desu, Boncresa/Oziltus -mobz; approvals 2024–2025 per public announcements), so a
 * suffix alone never decides the regimen: only the brand does (else strength, else "regimen unknown").
 */
export const DENOSUMAB_OSTEOPOROSIS_BRANDS =
  /prolia|jubbonti|ospomyv|obodence|stoboclo|conexxence|bildyos|bosaya|enoby|osvyrti|boncresa/i;
export const DENOSUMAB_ONCOLOGY_BRANDS =
  /xgeva|wyost|xbryk|osenvelt|bomyntra|bilprevda|aukelso|xtrenbo|jubereq|oziltus/i;

export const ZOLEDRONATE_TEXT = /zoledron|reclast|zometa|aclasta/i;
/** Zoledronate regimen by strength: 5 mg (0.05 mg/mL) osteoporosis, 4 mg (0.04 mg/mL) oncology (R14). */
export const ZOLEDRONATE_OSTEOPOROSIS_STRENGTH = /\b5\s*mg\b|0\.05\s*mg\s*\/\s*ml|reclast|aclasta/i;
export const ZOLEDRONATE_ONCOLOGY_STRENGTH = /\b4\s*mg\b|0\.04\s*mg\s*\/\s*ml|zometa/i;
export const ORAL_BISPHOSPHONATE_TEXT = /alendron|fosamax|binosto|risedron|actonel|atelvia|ibandron|boniva/i;
export const PAMIDRONATE_TEXT = /pamidron|aredia/i;
export const TERIPARATIDE_TEXT = /teriparatide|forteo|bonsity/i;
export const ABALOPARATIDE_TEXT = /abaloparatide|tymlos/i;
export const ROMOSOZUMAB_TEXT = /romosozumab|evenity/i;
export const RALOXIFENE_TEXT = /raloxifene|evista/i;
/** Hormone therapy (decision 4: named on the card, never mitigating). No codes in §2: text only. */
export const HORMONE_THERAPY_TEXT =
  /estradiol|oestradiol|conjugated (?:o)?estrogens?|premarin|(?:o)?estrogen|hormone replacement|menopausal hormone|tibolone|bazedoxifene/i;

/** Oral glucocorticoids by ingredient (R11), longest names first so methylprednisolone is not read as prednisolone. */
export const GLUCOCORTICOID_INGREDIENTS: readonly { ingredient: string; pattern: RegExp }[] = [
  { ingredient: 'methylprednisolone', pattern: /methyl\s*prednisolone/i },
  { ingredient: 'prednisolone', pattern: /prednisolone/i },
  { ingredient: 'prednisone', pattern: /prednisone/i },
  { ingredient: 'hydrocortisone', pattern: /hydrocortisone/i },
  { ingredient: 'dexamethasone', pattern: /dexamethasone/i },
  { ingredient: 'cortisone', pattern: /cortisone/i },
];
/** Non-systemic forms are not part of the "oral only" glucocorticoid set (§2.7; R11 excludes the oral paste). */
export const NON_SYSTEMIC_FORM =
  /cream|ointment|topical|inhal|nasal|ophthalm|\beye\b|\bear\b|otic|rectal|enema|suppositor|lotion|\bgel\b|spray|paste|drops|foam|intra-?articular/i;

/** Immunosuppressive ingredients (VSAC 2.16.840.1.113762.1.4.1151.32 members; RxCUIs not listed in §2.7 → text). */
export const IMMUNOSUPPRESSANT_INGREDIENTS: readonly { ingredient: string; pattern: RegExp }[] = [
  { ingredient: 'tacrolimus', pattern: /tacrolimus|prograf|advagraf|envarsus/i },
  { ingredient: 'mycophenolate', pattern: /mycophenol|cellcept|myfortic/i },
  { ingredient: 'azathioprine', pattern: /azathioprine|imuran/i },
  { ingredient: 'cyclosporine', pattern: /cyclosporin|ciclosporin|neoral|sandimmun/i },
  { ingredient: 'sirolimus', pattern: /sirolimus|rapamune/i },
  { ingredient: 'everolimus', pattern: /everolimus|zortress/i },
  { ingredient: 'belatacept', pattern: /belatacept|nulojix/i },
  { ingredient: 'basiliximab', pattern: /basiliximab|simulect/i },
];

/** §2.3.2 vertebral-fracture text fallback (info only). */
export const VERTEBRAL_SITE_TEXT = /vertebra|vertebral|spine|spinal|thoracic|lumbar|\bT\d{1,2}\b|\bL[1-5]\b/i;
export const FRACTURE_TEXT = /fracture|collapse/i;
export const NON_VERTEBRAL_EXCLUSION_TEXT = /sacr|coccy|neck of femur/i;
/** A vertebral level written in text, e.g. "L1", "T12", "C2". */
export const VERTEBRAL_LEVEL_TEXT = /\b([CTL])\s?(\d{1,2})\b/g;
/** Spine body site (M84.48X "other site" counts only with a spinal bodySite, §2.3.1). */
export const SPINE_BODY_SITE_TEXT = /spine|spinal|vertebra|thoracic|lumbar|cervical/i;

/** §2.4 vertebral augmentation text fallback on ServiceRequest.code. */
export const AUGMENTATION_TEXT = /vertebroplast|kyphoplast|vertebral (?:body )?augmentation/i;

/** R9 MI/stroke text (no code matched). TIA and explicit history wording are excluded. */
export const CV_EVENT_TEXT =
  /myocardial infarction|\bn?stemi\b|heart attack|stroke|cerebral infarction|cerebrovascular accident|\bcva\b|intracerebral (?:haem|hem)orrhage|subarachnoid (?:haem|hem)orrhage/i;
export const CV_EVENT_TEXT_EXCLUSION =
  /transient ischa?emic|\btia\b|risk of|history of|family history|screening/i;

/** R12 transplant status in free text (only Z94.0 is a verified code). */
export const TRANSPLANT_TEXT = /transplant/i;
