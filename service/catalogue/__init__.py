"""Catalogue read queries shared by the GraphQL API, the status pages and the command line.

This face names what other rooms may import (``__all__``): the query functions, their criteria
and orders, the records they return, the keyset page types, the typed fact values and the fact
fields. Names are loaded lazily (``service.faces.lazy_face``): ``from service.catalogue import
Deadline`` imports ``fact_values`` only. Modules inside the room import each other by path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.faces import lazy_face

if TYPE_CHECKING:
    from service.catalogue.bounds import CatalogueBounds, read_catalogue_bounds
    from service.catalogue.changes import (
        MAX_CHANGES,
        ChangeEntry,
        ChangePosition,
        changes_by_ids,
        count_changes,
        load_latest_changes,
        page_changes,
    )
    from service.catalogue.countries import list_countries, served_countries_of_partners
    from service.catalogue.fact_sql import FactSql
    from service.catalogue.fact_values import (
        REVIEW_THRESHOLD,
        Address,
        Credits,
        CuratedText,
        Deadline,
        Duration,
        EmailContact,
        FactValue,
        LanguageRequirement,
        Link,
        Name,
        PageLanguage,
        PageText,
        PhoneContact,
        needs_review,
        read_stored,
    )
    from service.catalogue.fields import (
        ADMIN_RETIREMENT_FIELD,
        CURATED_FIELDS,
        STORED_FIELDS,
        FactField,
    )
    from service.catalogue.findings import (
        FindingCriteria,
        count_findings,
        findings_by_ids,
        list_findings,
        load_findings_by_school,
        page_findings,
    )
    from service.catalogue.health_figures import (
        count_links_by_health,
        count_school_facts_by_freshness,
        count_sync_runs_by_status,
        last_successful_runs,
    )
    from service.catalogue.keyset import Page, PageRequest, Position
    from service.catalogue.link_health import (
        count_link_checks,
        count_sync_runs,
        link_checks_by_ids,
        list_sync_runs,
        load_link_checks,
        load_link_health,
        load_sync_runs,
        page_link_checks,
        page_sync_runs,
        url_health_by_ids,
    )
    from service.catalogue.links import links_by_ids, links_by_programmes, links_by_schools
    from service.catalogue.offer_requirements import (
        SERVED_FACT,
        RequirementFact,
        Requirements,
        VerdictSql,
        answer_of,
        asked_criteria,
        assess_schools,
        excluded_by,
        levels_json,
        served_facts_sql,
        verdict_sources,
    )
    from service.catalogue.offers import (
        POSITION_TYPES,
        OfferCriteria,
        OfferOrder,
        count_offers,
        list_offers,
        offer_columns,
        offer_order,
        offer_school_ids,
        offers_by_ids,
        page_offers,
    )
    from service.catalogue.precedence import Source
    from service.catalogue.programmes import programmes_at_schools, programmes_by_keys
    from service.catalogue.readiness import NEVER_IMPORTED, catalogue_imported, sync_ever_ran
    from service.catalogue.records import (
        CountryRecord,
        FindingRecord,
        HomeTrackRecord,
        LinkRecord,
        OfferRecord,
        ProgrammeRecord,
        SchoolRecord,
        SelectionRuleRecord,
        record_from,
    )
    from service.catalogue.school_info import (
        SCRAPED_IDENTITY,
        InfoValue,
        SchoolInfo,
        identity_sources,
        load_school_info,
    )
    from service.catalogue.schools import (
        SchoolCriteria,
        SchoolOrder,
        all_schools,
        count_schools,
        page_schools_in_order,
        school_by_slug,
        school_position,
        schools_by_ids,
        schools_by_slugs,
        served_school_rows,
    )
    from service.catalogue.search_documents import load_search_documents
    from service.catalogue.search_index import SearchHitRecord, SearchIndexCache
    from service.catalogue.served_fields import served_school
    from service.catalogue.status_summary import (
        SchoolCounts,
        count_links_by_status,
        count_open_findings_by_severity,
        count_partner_schools,
        count_values_to_review,
        page_partners_failing_first,
        page_values_to_review,
    )
    from service.catalogue.tracks import list_home_tracks, list_selection_rules

__all__ = [
    "ADMIN_RETIREMENT_FIELD",
    "CURATED_FIELDS",
    "MAX_CHANGES",
    "NEVER_IMPORTED",
    "POSITION_TYPES",
    "REVIEW_THRESHOLD",
    "SCRAPED_IDENTITY",
    "SERVED_FACT",
    "STORED_FIELDS",
    "Address",
    "CatalogueBounds",
    "ChangeEntry",
    "ChangePosition",
    "CountryRecord",
    "Credits",
    "CuratedText",
    "Deadline",
    "Duration",
    "EmailContact",
    "FactField",
    "FactSql",
    "FactValue",
    "FindingCriteria",
    "FindingRecord",
    "HomeTrackRecord",
    "InfoValue",
    "LanguageRequirement",
    "Link",
    "LinkRecord",
    "Name",
    "OfferCriteria",
    "OfferOrder",
    "OfferRecord",
    "Page",
    "PageLanguage",
    "PageRequest",
    "PageText",
    "PhoneContact",
    "Position",
    "ProgrammeRecord",
    "RequirementFact",
    "Requirements",
    "SchoolCounts",
    "SchoolCriteria",
    "SchoolInfo",
    "SchoolOrder",
    "SchoolRecord",
    "SearchHitRecord",
    "SearchIndexCache",
    "SelectionRuleRecord",
    "Source",
    "VerdictSql",
    "all_schools",
    "answer_of",
    "asked_criteria",
    "assess_schools",
    "catalogue_imported",
    "changes_by_ids",
    "count_changes",
    "count_findings",
    "count_link_checks",
    "count_links_by_health",
    "count_links_by_status",
    "count_offers",
    "count_open_findings_by_severity",
    "count_partner_schools",
    "count_school_facts_by_freshness",
    "count_schools",
    "count_sync_runs",
    "count_sync_runs_by_status",
    "count_values_to_review",
    "excluded_by",
    "findings_by_ids",
    "identity_sources",
    "last_successful_runs",
    "levels_json",
    "link_checks_by_ids",
    "links_by_ids",
    "links_by_programmes",
    "links_by_schools",
    "list_countries",
    "list_findings",
    "list_home_tracks",
    "list_offers",
    "list_selection_rules",
    "list_sync_runs",
    "load_findings_by_school",
    "load_latest_changes",
    "load_link_checks",
    "load_link_health",
    "load_school_info",
    "load_search_documents",
    "load_sync_runs",
    "needs_review",
    "offer_columns",
    "offer_order",
    "offer_school_ids",
    "offers_by_ids",
    "page_changes",
    "page_findings",
    "page_link_checks",
    "page_offers",
    "page_partners_failing_first",
    "page_schools_in_order",
    "page_sync_runs",
    "page_values_to_review",
    "programmes_at_schools",
    "programmes_by_keys",
    "read_catalogue_bounds",
    "read_stored",
    "record_from",
    "school_by_slug",
    "school_position",
    "schools_by_ids",
    "schools_by_slugs",
    "served_countries_of_partners",
    "served_facts_sql",
    "served_school",
    "served_school_rows",
    "sync_ever_ran",
    "url_health_by_ids",
    "verdict_sources",
]

__getattr__ = lazy_face(__name__, __file__)
