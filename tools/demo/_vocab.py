"""Lookup tables for the demo exports: journal names, abbreviations, publishers, subject terms.

Everything here describes how databases *render* a work (canonical journal title, ISO 4 style
abbreviation, subject headings taken from words of the title); nothing here changes which work a
record is.
"""

from __future__ import annotations

import re

# How the thesis spelled a journal -> the journal's own title, as a database shows it.
CANONICAL_JOURNALS: dict[str, str] = {
    "Adoption & Fostering Journal": "Adoption & Fostering",
    "Child Abuse and Neglect": "Child Abuse & Neglect",
    "Child and Family Social Work": "Child & Family Social Work",
    "Child: Care Health & Development": "Child: Care, Health and Development",
    "Child: care, health and development": "Child: Care, Health and Development",
    "Child welfare": "Child Welfare",
    "Children and Society": "Children & Society",
    "Children and Youth Service Review": "Children and Youth Services Review",
    "Contemporary family therapy": "Contemporary Family Therapy",
    "Families in Society: The Journal of Contemporary Human Services": "Families in Society",
    "Journal of social policy": "Journal of Social Policy",
    "Journal of substance abuse treatment": "Journal of Substance Abuse Treatment",
    "Local government studies": "Local Government Studies",
    "Practice": "Practice: Social Work in Action",
    "The Academy of Management Journal": "Academy of Management Journal",
    "The British Journal of Social Work": "British Journal of Social Work",
    "Administrative science quarterly": "Administrative Science Quarterly",
    "Theory into practice": "Theory Into Practice",
}

# ISO 4 word abbreviations (List of Title Word Abbreviations) for the words in these journals.
ISO4_WORDS: dict[str, str] = {
    "academy": "Acad.",
    "administration": "Adm.",
    "administrative": "Adm.",
    "adoption": "Adopt.",
    "american": "Am.",
    "british": "Br.",
    "canadian": "Can.",
    "children": "Child.",
    "contemporary": "Contemp.",
    "critical": "Crit.",
    "development": "Dev.",
    "educational": "Educ.",
    "education": "Educ.",
    "european": "Eur.",
    "families": "Fam.",
    "family": "Fam.",
    "fostering": "Foster.",
    "government": "Gov.",
    "human": "Hum.",
    "integrated": "Integr.",
    "intervention": "Interv.",
    "international": "Int.",
    "interprofessional": "Interprof.",
    "journal": "J.",
    "leadership": "Leadersh.",
    "maltreatment": "Maltreat.",
    "management": "Manag.",
    "medical": "Med.",
    "medicine": "Med.",
    "mental": "Ment.",
    "neglect": "Negl.",
    "nursing": "Nurs.",
    "practice": "Pract.",
    "psychologist": "Psychol.",
    "psychology": "Psychol.",
    "psychopathology": "Psychopathol.",
    "qualitative": "Qual.",
    "quality": "Qual.",
    "quarterly": "Q.",
    "report": "Rep.",
    "research": "Res.",
    "review": "Rev.",
    "safety": "Saf.",
    "science": "Sci.",
    "sciences": "Sci.",
    "schools": "Sch.",
    "service": "Serv.",
    "services": "Serv.",
    "sexual": "Sex.",
    "social": "Soc.",
    "society": "Soc.",
    "sociological": "Sociol.",
    "sociology": "Sociol.",
    "strategies": "Strateg.",
    "studies": "Stud.",
    "substance": "Subst.",
    "surveillance": "Surveill.",
    "therapy": "Ther.",
    "treatment": "Treat.",
    "welfare": "Welf.",
}
ISO4_DROP = {"a", "an", "and", "&", "for", "in", "into", "of", "on", "the"}
# Titles whose abbreviation is not word-by-word (single words, subtitles that ISO 4 drops).
ISO4_OVERRIDES: dict[str, str] = {
    "The Lancet": "Lancet",
    "Practice: Social Work in Action": "Practice",
    "Policing: An International Journal of Police Strategies & Management": "Policing",
    "Families in Society": "Fam. Soc.",
    "Child: Care, Health and Development": "Child Care Health Dev.",
    "Health, Risk & Society": "Health Risk Soc.",
    "Midwifery": "Midwifery",
    "Children & Schools": "Child. Sch.",
}

# Publisher names as EBSCO prints them in its copyright notice (only journals we are sure of).
PUBLISHERS: dict[str, str] = {
    "British Journal of Social Work": "Oxford University Press / USA",
    "Child & Family Social Work": "Wiley-Blackwell",
    "Child Abuse & Neglect": "Pergamon Press - An Imprint of Elsevier Science",
    "Child Abuse Review": "John Wiley & Sons, Inc.",
    "Children & Society": "Wiley-Blackwell",
    "Children and Youth Services Review": "Pergamon Press - An Imprint of Elsevier Science",
    "Health and Social Care in the Community": "Wiley-Blackwell",
    "Journal of Interprofessional Care": "Taylor & Francis Ltd",
    "European Journal of Social Work": "Taylor & Francis Ltd",
    "Practice: Social Work in Action": "Taylor & Francis Ltd",
    "Journal of Social Work Practice": "Taylor & Francis Ltd",
    "Child Maltreatment": "Sage Publications Inc.",
    "Qualitative Social Work": "Sage Publications, Ltd.",
    "Critical Social Policy": "Sage Publications, Ltd.",
}

EBSCO_NOTICE = (
    "Copyright of {journal} is the property of {publisher} and its content may not be copied or "
    "emailed to multiple sites or posted to a listserv without the copyright holder's express "
    "written permission. However, users may print, download, or email articles for individual "
    "use. This abstract may be abridged. No warranty is given about the accuracy of the copy. "
    "Users should refer to the original published version of the material for the full "
    "abstract. (Copyright applies to all Abstracts.)"
)

# Subject terms assigned from words of the title: (pattern, ProQuest term, EBSCO term).
SUBJECT_TERMS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(p, re.IGNORECASE), pq, eb)
    for p, pq, eb in [
        (r"child protection", "Child protection", "CHILD protection services"),
        (r"abuse|maltreat|neglect", "Child abuse", "CHILD abuse"),
        (r"safeguard", "Safeguarding", "CHILD welfare"),
        (
            r"multi-?agency|inter-?agency|partnership|joint working|integrat",
            "Interagency cooperation",
            "INTERAGENCY coordination",
        ),
        (
            r"inter-?professional|multi-?disciplinary|collaborat|teamwork",
            "Interprofessional relations",
            "INTERPROFESSIONAL relations",
        ),
        (r"social work", "Social work", "SOCIAL work"),
        (r"famil|parent|mother|father", "Families", "FAMILIES"),
        (r"mental health", "Mental health services", "MENTAL health services"),
        (r"outcome|success|effective|evaluat", "Outcomes", "EVALUATION"),
        (r"young people|youth|adolescen", "Young people", "YOUTH"),
        (r"sexual", "Child sexual abuse", "CHILD sexual abuse"),
        (r"domestic violence", "Domestic violence", "FAMILY violence"),
        (r"foster|looked after|residential|in care\b", "Looked after children", "FOSTER children"),
        (r"substance|drug|alcohol|heroin", "Substance abuse", "SUBSTANCE abuse"),
        (r"school|teacher|education", "Schools", "SCHOOLS"),
        (r"health visit|nurs|midwi", "Nursing", "NURSING"),
        (r"police|policing", "Police", "POLICE"),
        (r"assessment|risk", "Risk assessment", "RISK assessment"),
        (r"serious case|child deaths?|fatal", "Serious case reviews", "CHILD death"),
        (r"disab", "Disabled children", "CHILDREN with disabilities"),
    ]
]


def canonical_journal(container: str) -> str:
    """The journal's own title for a container as the thesis cited it."""
    return CANONICAL_JOURNALS.get(container, container)


def iso4_abbreviation(journal: str) -> str:
    """ISO 4 style abbreviation, e.g. 'Child Abuse & Neglect' -> 'Child Abuse Negl.'."""
    if journal in ISO4_OVERRIDES:
        return ISO4_OVERRIDES[journal]
    words = re.findall(r"[\w']+|&", journal.removeprefix("The "))
    kept = [w for w in words if w.lower() not in ISO4_DROP]
    return " ".join(ISO4_WORDS.get(w.lower(), w) for w in kept)


def wos_j9(journal: str) -> str:
    """Web of Science 29-character abbreviation, e.g. 'BRIT J SOC WORK'."""
    iso = iso4_abbreviation(journal).replace("Br.", "Brit.")
    return iso.replace(".", "").upper()[:29].rstrip()


def subject_terms(title: str, *, ebsco: bool) -> list[str]:
    """Subject headings a database might index this title under (from its words only)."""
    return [eb if ebsco else pq for pattern, pq, eb in SUBJECT_TERMS if pattern.search(title)]
