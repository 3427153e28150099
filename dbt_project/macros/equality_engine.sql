{#- The equality engine: the indicator rules of spec/indicators.md with the grouping as a parameter.

    Every unit a rule counts (a person of the workforce population, an event person, a shortlisted application,
    a survey respondent, a board member) carries the source values of every characteristic it has: its ethnic
    group, and its disability, sex and age band as the source recorded them. A rule is written once, as a macro
    over such units, and takes the list of characteristics to group by:

    - the WRES marts (fct_wres_*, int_wres_event_counts) call it with ethnicity alone, exactly as the spec
      defines it (and the return's shape: `ethnic_group`);
    - the general marts (rpt_equality_return and what is built on it) call it with every characteristic the
      source holds, grouped by seed equality_group_codes: disability (WDES), sex, age group, ethnicity.

    The counting is set-based and aggregates before anything is widened: `characteristic_counts` counts the
    units once per characteristic in one scan (GROUPING SETS), by the source value, and maps source values to
    groups only on the aggregated rows; no per-characteristic copy of a unit table is ever made.

    A characteristic is a dictionary: name (as it appears in the `characteristic` column), column (the unit
    column holding its source value) and mode, how a source value becomes a group:
    - as_is: the value is already the group (ethnic_group);
    - coded: the group of seed equality_group_codes for the value (lower-cased, trimmed); Unknown otherwise;
    - text: the group of the seed if it lists the value, otherwise the trimmed value itself; blank is Unknown. -#}

{% macro equality_characteristic(name) -%}
    {%- set registry = {
        'ethnicity': {'name': 'ethnicity', 'column': 'ethnic_group', 'mode': 'as_is'},
        'disability': {'name': 'disability', 'column': 'disability', 'mode': 'coded'},
        'sex': {'name': 'sex', 'column': 'sex', 'mode': 'coded'},
        'age_group': {'name': 'age_group', 'column': 'age_band', 'mode': 'coded'},
        'age_band': {'name': 'age_band', 'column': 'age_band', 'mode': 'text'},
        'ethnic_category': {'name': 'ethnic_category', 'column': 'ethnic_category', 'mode': 'coded'},
        'religion_or_belief': {'name': 'religion_or_belief', 'column': 'religious_belief', 'mode': 'text'},
        'sexual_orientation': {'name': 'sexual_orientation', 'column': 'sexual_orientation', 'mode': 'text'},
    } -%}
    {%- do return(registry[name]) -%}
{%- endmacro %}

{% macro equality_characteristics(names) -%}
    {#- The characteristics of `names`, in that order. Two characteristics read from one column (age_group and
        age_band) cannot be counted in the same call. -#}
    {%- set found = [] -%}
    {%- for name in names -%}{%- do found.append(equality_characteristic(name)) -%}{%- endfor -%}
    {%- do return(found) -%}
{%- endmacro %}

{% macro wres_characteristics() -%}
    {%- do return([equality_characteristic('ethnicity')]) -%}
{%- endmacro %}

{% macro wres_group_scaffold(ethnic_groups) -%}
    {#- The WRES groups (seed ethnic_groups) in the engine's shape. -#}
    (select 'ethnicity' as characteristic, ethnic_group as group_name from {{ ethnic_groups }})
{%- endmacro %}

{% macro equality_group_scaffold(equality_groups, characteristics) -%}
    {#- The groups of seed equality_groups for the given characteristics: every one appears, with zeros. -#}
    (
        select characteristic, group_name
        from {{ equality_groups }}
        where characteristic in (
            {%- for c in characteristics %}'{{ c.name }}'{{ ', ' if not loop.last }}{% endfor -%}
        )
    )
{%- endmacro %}

{% macro group_code_match(codes, characteristic, source_value) -%}
    {#- The join of seed equality_group_codes (`codes`) to a characteristic's source value: the same
        characteristic, and the same value lower-cased and trimmed. -#}
    {{ codes }}.characteristic = {{ characteristic }}
        and lower(trim({{ codes }}.source_value)) = lower(trim({{ source_value }}))
{%- endmacro %}

{% macro characteristic_group(c, source_value, codes) -%}
    {#- The group of characteristic `c` for `source_value` (text), `codes` being the row of seed
        equality_group_codes joined to it (group_code_match), by the characteristic's mode (see above). -#}
    {%- if c.mode == 'as_is' -%} {{ source_value }}
    {%- elif c.mode == 'coded' -%} coalesce({{ codes }}.group_name, 'Unknown')
    {%- else -%} coalesce({{ codes }}.group_name, nullif(trim({{ source_value }}), ''), 'Unknown')
    {%- endif -%}
{%- endmacro %}

{% macro characteristic_groups(units, characteristics, group_codes) %}
    {#- Every unit row with its group of each characteristic (`<name>_group`), mapped row by row: for what
        cannot be added up after the mapping, such as a median (`characteristic_counts` maps aggregated rows). -#}
    select
        units.*,
        {%- for c in characteristics %}
        {{ characteristic_group(c, 'cast(units.' ~ c.column ~ ' as varchar)', c.name ~ '_codes') }} as {{ c.name }}_group
        {{- ',' if not loop.last }}
        {%- endfor %}

    from {{ units }} as units
    {%- for c in characteristics if c.mode != 'as_is' %}
    left join {{ group_codes }} as {{ c.name }}_codes
        on {{ group_code_match(c.name ~ '_codes', "'" ~ c.name ~ "'", 'units.' ~ c.column) }}
    {%- endfor %}
{% endmacro %}

{% macro characteristic_counts(units, keys, characteristics, aggregates, group_codes=none) %}
    {#- One row per `keys`, characteristic and group, with every aggregate of `aggregates` (name -> an additive
        aggregate over the unit rows, such as count(*)). One scan of `units`, one grouping set per
        characteristic, by source value; then (unless every characteristic is as_is) the source values are
        mapped to groups on the aggregated rows and the aggregates added up per group. -#}
    {%- set ns = namespace(as_is=true) -%}
    {%- for c in characteristics -%}{%- if c.mode != 'as_is' -%}{%- set ns.as_is = false -%}{%- endif -%}{%- endfor %}
    with

    by_value as (

        select
            {%- for key in keys %}
            {{ key }},
            {%- endfor %}
            {%- if characteristics | length == 1 %}
            '{{ characteristics[0].name }}' as characteristic,
            {{ characteristics[0].column }} as {{ 'group_name' if ns.as_is else 'source_value' }},
            {%- else %}
            case
                {%- for c in characteristics %}
                when grouping({{ c.column }}) = 0 then '{{ c.name }}'
                {%- endfor %}
            end as characteristic,
            case
                {%- for c in characteristics %}
                when grouping({{ c.column }}) = 0 then cast({{ c.column }} as varchar)
                {%- endfor %}
            end as {{ 'group_name' if ns.as_is else 'source_value' }},
            {%- endif %}
            {%- for name, aggregate in aggregates.items() %}
            {{ aggregate }} as {{ name }}{{ ',' if not loop.last }}
            {%- endfor %}

        from {{ units }}
        {%- if characteristics | length == 1 %}
        group by {% for key in keys %}{{ key }}, {% endfor %}{{ characteristics[0].column }}
        {%- else %}
        group by grouping sets (
            {%- for c in characteristics %}
            ({% for key in keys %}{{ key }}, {% endfor %}{{ c.column }}){{ ',' if not loop.last }}
            {%- endfor %}
        )
        {%- endif %}

    )

    {%- if ns.as_is %}

    select * from by_value

    {%- else %}
    ,

    mapped as (

        select
            {%- for key in keys %}
            by_value.{{ key }},
            {%- endfor %}
            by_value.characteristic,
            case
                {%- for c in characteristics %}
                when by_value.characteristic = '{{ c.name }}'
                    then {{ characteristic_group(c, 'by_value.source_value', 'group_codes') }}
                {%- endfor %}
            end as group_name,
            {%- for name in aggregates %}
            by_value.{{ name }}{{ ',' if not loop.last }}
            {%- endfor %}

        from by_value
        left join {{ group_codes }} as group_codes
            on {{ group_code_match('group_codes', 'by_value.characteristic', 'by_value.source_value') }}

    )

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        characteristic,
        group_name,
        {%- for name in aggregates %}
        cast(sum({{ name }}) as bigint) as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}

    from mapped
    group by all

    {%- endif %}
{% endmacro %}


{#- ---------------------------------------------------------------------------------------------------------------
    Indicator 1 / WDES metric 1: the workforce by band. -#}

{% macro workforce_by_band_counts(reporting_years, population, bands, groups, characteristics, group_codes=none,
                                  clusters=none) %}
    {#- Every cell of the fixed grid (clinical flag x band), the non_clinical, clinical and overall totals, and
        with `clusters` (seed band_clusters) each band cluster on each side (`<clinical|non_clinical>:<cluster>`)
        and the senior bands (`senior`, both sides): numerator = people of the group in the breakdown,
        denominator = all people in it. Every breakdown and group appears, with zeros. -#}
    with

    cells as (

        select 'non_clinical' as clinical_key, band from {{ bands }} where not clinical_only
        union all
        select 'clinical' as clinical_key, band from {{ bands }}

    ),

    breakdown_cells as (

        {#- The cells each breakdown adds up. #}
        select clinical_key || ':' || band as breakdown, clinical_key, band from cells
        union all
        select clinical_key as breakdown, clinical_key, band from cells
        union all
        select 'overall' as breakdown, clinical_key, band from cells
        {%- if clusters %}
        union all
        select cells.clinical_key || ':' || clusters.band_cluster as breakdown, cells.clinical_key, cells.band
        from cells
        inner join {{ clusters }} as clusters on clusters.band = cells.band
        union all
        select 'senior' as breakdown, cells.clinical_key, cells.band
        from cells
        inner join {{ clusters }} as clusters on clusters.band = cells.band
        where clusters.is_senior
        {%- endif %}

    ),

    units as (

        select
            *,
            case when is_clinical then 'clinical' else 'non_clinical' end as clinical_key

        from {{ population }}

    ),

    cell_counts as (

        {{ characteristic_counts('units', ['organisation_code', 'wres_year', 'clinical_key', 'band'],
                                 characteristics, {'people': 'count(*)'}, group_codes) }}

    ),

    breakdown_counts as (

        select
            cell_counts.organisation_code,
            cell_counts.wres_year,
            breakdown_cells.breakdown,
            cell_counts.characteristic,
            cell_counts.group_name,
            sum(cell_counts.people) as people

        from cell_counts
        inner join breakdown_cells
            on breakdown_cells.clinical_key = cell_counts.clinical_key
            and breakdown_cells.band = cell_counts.band
        group by 1, 2, 3, 4, 5

    ),

    breakdown_totals as (

        select organisation_code, wres_year, breakdown, characteristic, sum(people) as people
        from breakdown_counts
        group by 1, 2, 3, 4

    ),

    scaffold as (

        select
            reporting_years.organisation_code,
            reporting_years.wres_year,
            breakdowns.breakdown,
            groups.characteristic,
            groups.group_name

        from {{ reporting_years }} as reporting_years
        cross join (select distinct breakdown from breakdown_cells) as breakdowns
        cross join {{ groups }} as groups

    )

    select
        scaffold.organisation_code,
        scaffold.wres_year,
        scaffold.characteristic,
        scaffold.breakdown,
        scaffold.group_name,
        coalesce(breakdown_counts.people, 0) as numerator,
        coalesce(breakdown_totals.people, 0) as denominator,
        {{ pct('coalesce(breakdown_counts.people, 0)', 'coalesce(breakdown_totals.people, 0)') }} as value

    from scaffold
    left join breakdown_counts
        on breakdown_counts.organisation_code = scaffold.organisation_code
        and breakdown_counts.wres_year = scaffold.wres_year
        and breakdown_counts.breakdown = scaffold.breakdown
        and breakdown_counts.characteristic = scaffold.characteristic
        and breakdown_counts.group_name = scaffold.group_name
    left join breakdown_totals
        on breakdown_totals.organisation_code = scaffold.organisation_code
        and breakdown_totals.wres_year = scaffold.wres_year
        and breakdown_totals.breakdown = scaffold.breakdown
        and breakdown_totals.characteristic = scaffold.characteristic
{% endmacro %}


{#- ---------------------------------------------------------------------------------------------------------------
    Indicator 2 / WDES metric 2: appointment from shortlisting. -#}

{% macro appointment_counts(reporting_years, applications, groups, characteristics, group_codes=none) %}
    {#- Applications shortlisted (shortlisted = Y, shortlisted_date in the event period) and appointed, by the
        group of the application's own characteristic values. -#}
    with

    shortlisted_applications as (

        select
            reporting_years.organisation_code,
            reporting_years.wres_year,
            {%- for c in characteristics %}
            applications.{{ c.column }},
            {%- endfor %}
            applications.is_appointed

        from {{ applications }} as applications
        inner join {{ reporting_years }} as reporting_years
            on reporting_years.organisation_code = applications.organisation_code
            and applications.shortlisted_date between reporting_years.period_start and reporting_years.period_end
        where applications.is_shortlisted

    ),

    shortlisted as (

        {{ characteristic_counts('shortlisted_applications', ['organisation_code', 'wres_year'], characteristics,
                                 {'shortlisted': 'count(*)', 'appointed': 'count(*) filter (where is_appointed)'},
                                 group_codes) }}

    )

    select
        reporting_years.organisation_code,
        reporting_years.wres_year,
        groups.characteristic,
        'all' as breakdown,
        groups.group_name,
        coalesce(shortlisted.appointed, 0) as numerator,
        coalesce(shortlisted.shortlisted, 0) as denominator,
        {{ pct('coalesce(shortlisted.appointed, 0)', 'coalesce(shortlisted.shortlisted, 0)') }} as value

    from {{ reporting_years }} as reporting_years
    cross join {{ groups }} as groups
    left join shortlisted
        on shortlisted.organisation_code = reporting_years.organisation_code
        and shortlisted.wres_year = reporting_years.wres_year
        and shortlisted.characteristic = groups.characteristic
        and shortlisted.group_name = groups.group_name
{% endmacro %}


{#- ---------------------------------------------------------------------------------------------------------------
    Indicators 3 and 4 / WDES metric 3: event people and their rates over the workforce population. -#}

{% macro event_people(reporting_years, people_by_snapshot, cases=none, case_types=[], activities=none,
                      training_categories=none, carried_columns=[]) %}
    {#- The people with a qualifying event in each reported year's event period, whether or not they are in the
        workforce population:
        - a case event: at least one employee-relations row whose case type (any case) is one of `case_types`,
          with formal_start_date in the period; its event_type is the lower-cased case type;
        - training (when `activities` is given): at least one training row whose category is not mandatory
          (seed training_categories) with activity_date in the period.
        Each person's ethnic group for events is the group of the latest snapshot on or before 31 March in
        which they have any row (Bank and Honorary included); failing that, the first qualifying event row's
        (files in name order, rows in file order), and Unknown where the source has none (training). The
        `carried_columns` (disability, sex, age_band) come from the same snapshot row, null without one. -#}
    with

    {%- if cases is not none %}

    case_rows as (

        select
            lower(cases.case_type) as event_type,
            reporting_years.organisation_code,
            reporting_years.wres_year,
            reporting_years.snapshot_date,
            cases.employee_number,
            cases.ethnic_group as event_row_ethnic_group,
            cases.source_file_name,
            cases.source_line_number

        from {{ cases }} as cases
        inner join {{ reporting_years }} as reporting_years
            on reporting_years.organisation_code = cases.organisation_code
            and cases.formal_start_date between reporting_years.period_start and reporting_years.period_end
        where lower(cases.case_type) in (
            {%- for case_type in case_types %}'{{ case_type | lower }}'{{ ', ' if not loop.last }}{% endfor -%}
        )

    ),
    {%- endif %}

    {%- if activities is not none %}

    training_rows as (

        select
            'training' as event_type,
            reporting_years.organisation_code,
            reporting_years.wres_year,
            reporting_years.snapshot_date,
            activities.employee_number,
            'Unknown' as event_row_ethnic_group,
            activities.source_file_name,
            activities.source_line_number

        from {{ activities }} as activities
        inner join {{ reporting_years }} as reporting_years
            on reporting_years.organisation_code = activities.organisation_code
            and activities.activity_date between reporting_years.period_start and reporting_years.period_end
        left join {{ training_categories }} as training_categories
            on lower(training_categories.category) = lower(activities.category)
        where not coalesce(training_categories.is_mandatory, false)

    ),
    {%- endif %}

    event_rows as (

        {%- if cases is not none %}
        select * from case_rows
        {%- endif %}
        {%- if cases is not none and activities is not none %}
        union all
        {%- endif %}
        {%- if activities is not none %}
        select * from training_rows
        {%- endif %}

    ),

    first_event_rows as (

        {#- The person's first qualifying row, files in name order and rows in file order (`arg_min_null`: its
            group even when null): an aggregate, not a window, which sorted every event row (docs/performance.md,
            item 67). -#}
        select
            event_type,
            organisation_code,
            wres_year,
            snapshot_date,
            employee_number,
            arg_min_null(event_row_ethnic_group, (source_file_name, source_line_number)) as event_row_ethnic_group

        from event_rows
        group by event_type, organisation_code, wres_year, snapshot_date, employee_number

    ),

    snapshot_matches as (

        select
            first_event_rows.*,
            people_by_snapshot.snapshot_date as ethnicity_snapshot_date,
            people_by_snapshot.ethnic_group as snapshot_ethnic_group,
            {%- for column in carried_columns %}
            people_by_snapshot.{{ column }},
            {%- endfor %}
            row_number() over (
                partition by
                    first_event_rows.event_type,
                    first_event_rows.organisation_code,
                    first_event_rows.wres_year,
                    first_event_rows.employee_number
                order by people_by_snapshot.snapshot_date desc
            ) as snapshot_recency

        from first_event_rows
        left join {{ people_by_snapshot }} as people_by_snapshot
            on people_by_snapshot.organisation_code = first_event_rows.organisation_code
            and people_by_snapshot.employee_number = first_event_rows.employee_number
            and people_by_snapshot.snapshot_date <= first_event_rows.snapshot_date

    )

    select
        event_type,
        organisation_code,
        wres_year,
        employee_number,
        coalesce(snapshot_ethnic_group, event_row_ethnic_group) as ethnic_group,
        ethnicity_snapshot_date,
        snapshot_ethnic_group is null as is_ethnicity_from_event_row
        {%- for column in carried_columns %},
        {{ column }}
        {%- endfor %}

    from snapshot_matches
    where snapshot_recency = 1
{% endmacro %}

{% macro event_counts(reporting_years, groups, event_people, population, event_types, characteristics,
                      group_codes=none) %}
    {#- Single-year counts per event type, reported year and group: numerator = event people of the group,
        denominator = the group's count in the workforce population P(O, Y). Every event type of `event_types`
        and every group appears, with zeros. -#}
    with

    scaffold as (

        select
            event_types.event_type,
            reporting_years.organisation_code,
            reporting_years.wres_year,
            groups.characteristic,
            groups.group_name

        from {{ reporting_years }} as reporting_years
        cross join (
            {%- for event_type in event_types %}
            select '{{ event_type }}' as event_type{{ ' union all' if not loop.last }}
            {%- endfor %}
        ) as event_types
        cross join {{ groups }} as groups

    ),

    event_counts as (

        {{ characteristic_counts(event_people, ['event_type', 'organisation_code', 'wres_year'], characteristics,
                                 {'people': 'count(*)'}, group_codes) }}

    ),

    population_counts as (

        {{ characteristic_counts(population, ['organisation_code', 'wres_year'], characteristics,
                                 {'people': 'count(*)'}, group_codes) }}

    )

    select
        scaffold.event_type,
        scaffold.organisation_code,
        scaffold.wres_year,
        scaffold.characteristic,
        scaffold.group_name,
        coalesce(event_counts.people, 0) as numerator,
        coalesce(population_counts.people, 0) as denominator

    from scaffold
    left join event_counts
        on event_counts.event_type = scaffold.event_type
        and event_counts.organisation_code = scaffold.organisation_code
        and event_counts.wres_year = scaffold.wres_year
        and event_counts.characteristic = scaffold.characteristic
        and event_counts.group_name = scaffold.group_name
    left join population_counts
        on population_counts.organisation_code = scaffold.organisation_code
        and population_counts.wres_year = scaffold.wres_year
        and population_counts.characteristic = scaffold.characteristic
        and population_counts.group_name = scaffold.group_name
{% endmacro %}

{% macro event_rates(reporting_years, event_counts, event_type, group_columns, single_year_breakdown='single_year',
                     rolling=false) %}
    {#- The rates of one event type over the workforce population: the year's counts (breakdown
        `single_year_breakdown`), and with `rolling` the two-year rolling counts (`rolling_two_year`, only when
        the previous year is reported too): numerators of Y and Y-1 added, denominators of Y and Y-1 added.
        `group_columns` name the group in `event_counts` (ethnic_group; or characteristic and group_name). -#}
    with

    single_year as (

        select
            organisation_code,
            wres_year,
            '{{ single_year_breakdown }}' as breakdown,
            {%- for column in group_columns %}
            {{ column }},
            {%- endfor %}
            numerator,
            denominator

        from {{ event_counts }}
        where event_type = '{{ event_type }}'

    )

    {%- if rolling %},

    rolling_two_year as (

        select
            this_year.organisation_code,
            this_year.wres_year,
            'rolling_two_year' as breakdown,
            {%- for column in group_columns %}
            this_year.{{ column }},
            {%- endfor %}
            this_year.numerator + previous_year.numerator as numerator,
            this_year.denominator + previous_year.denominator as denominator

        from single_year as this_year
        inner join {{ reporting_years }} as reporting_years
            on reporting_years.organisation_code = this_year.organisation_code
            and reporting_years.wres_year = this_year.wres_year
        inner join single_year as previous_year
            on previous_year.organisation_code = this_year.organisation_code
            and previous_year.wres_year = this_year.wres_year - 1
            {%- for column in group_columns %}
            and previous_year.{{ column }} = this_year.{{ column }}
            {%- endfor %}
        where reporting_years.is_previous_year_reported

    )
    {%- endif %},

    unioned as (

        select * from single_year
        {%- if rolling %}
        union all
        select * from rolling_two_year
        {%- endif %}

    )

    select
        organisation_code,
        wres_year,
        breakdown,
        {%- for column in group_columns %}
        {{ column }},
        {%- endfor %}
        numerator,
        denominator,
        {{ pct('numerator', 'denominator') }} as value

    from unioned
{% endmacro %}


{#- ---------------------------------------------------------------------------------------------------------------
    Indicators 5 to 8 / WDES metrics 4a and 5: the staff survey. -#}

{% macro survey_counts(reporting_years, responses, groups, key_column, characteristics, group_codes=none) %}
    {#- Per reported year Y, from the survey fielded in Y-1: respondents in each measure's base (denominator)
        and those positive (numerator), by the group of the respondent's own answers. Present when the
        organisation has respondents in Y-1 for the measure; every group appears, with zeros. -#}
    with

    surveyed_years as (

        select distinct
            reporting_years.organisation_code,
            reporting_years.wres_year,
            reporting_years.survey_year,
            responses.{{ key_column }}

        from {{ reporting_years }} as reporting_years
        inner join {{ responses }} as responses
            on responses.organisation_code = reporting_years.organisation_code
            and responses.survey_year = reporting_years.survey_year

    ),

    counts as (

        {{ characteristic_counts(responses, ['organisation_code', 'survey_year', key_column], characteristics,
                                 {'base': 'count(*) filter (where is_in_base)',
                                  'positive': 'count(*) filter (where is_in_base and is_positive)'},
                                 group_codes) }}

    )

    select
        surveyed_years.organisation_code,
        surveyed_years.wres_year,
        surveyed_years.{{ key_column }},
        groups.characteristic,
        'all' as breakdown,
        groups.group_name,
        coalesce(counts.positive, 0) as numerator,
        coalesce(counts.base, 0) as denominator,
        {{ pct('coalesce(counts.positive, 0)', 'coalesce(counts.base, 0)') }} as value

    from surveyed_years
    cross join {{ groups }} as groups
    left join counts
        on counts.organisation_code = surveyed_years.organisation_code
        and counts.survey_year = surveyed_years.survey_year
        and counts.{{ key_column }} = surveyed_years.{{ key_column }}
        and counts.characteristic = groups.characteristic
        and counts.group_name = groups.group_name
{% endmacro %}


{#- ---------------------------------------------------------------------------------------------------------------
    Indicator 9 / WDES metric 10: the board. -#}

{% macro board_counts(members, groups, characteristics, group_codes=none) %}
    {#- The board on 31 March: board_voting, board_executive, board_non_executive and board_all; numerator =
        members of the group, denominator = all members of the breakdown. Present when the board has a member on
        the day; every breakdown and group appears, with zeros. -#}
    with

    board_years as (

        select distinct organisation_code, wres_year from {{ members }}

    ),

    breakdowns as (

        select 'board_voting' as breakdown
        union all
        select 'board_executive' as breakdown
        union all
        select 'board_non_executive' as breakdown
        union all
        select 'board_all' as breakdown

    ),

    members_by_breakdown as (

        select
            members.organisation_code,
            members.wres_year,
            breakdowns.breakdown,
            {%- for c in characteristics %}
            members.{{ c.column }}{{ ',' if not loop.last }}
            {%- endfor %}

        from {{ members }} as members
        inner join breakdowns
            on breakdowns.breakdown = 'board_all'
            or (breakdowns.breakdown = 'board_voting' and members.is_voting)
            or (breakdowns.breakdown = 'board_executive' and lower(members.member_type) = 'executive')
            or (breakdowns.breakdown = 'board_non_executive' and lower(members.member_type) = 'non-executive')

    ),

    group_counts as (

        {{ characteristic_counts('members_by_breakdown', ['organisation_code', 'wres_year', 'breakdown'],
                                 characteristics, {'members': 'count(*)'}, group_codes) }}

    ),

    member_totals as (

        select organisation_code, wres_year, breakdown, count(*) as members
        from members_by_breakdown
        group by 1, 2, 3

    ),

    breakdown_totals as (

        select
            board_years.organisation_code,
            board_years.wres_year,
            breakdowns.breakdown,
            coalesce(member_totals.members, 0) as members

        from board_years
        cross join breakdowns
        left join member_totals
            on member_totals.organisation_code = board_years.organisation_code
            and member_totals.wres_year = board_years.wres_year
            and member_totals.breakdown = breakdowns.breakdown

    )

    select
        breakdown_totals.organisation_code,
        breakdown_totals.wres_year,
        groups.characteristic,
        breakdown_totals.breakdown,
        groups.group_name,
        coalesce(group_counts.members, 0) as numerator,
        breakdown_totals.members as denominator,
        {{ pct('coalesce(group_counts.members, 0)', 'breakdown_totals.members') }} as value

    from breakdown_totals
    cross join {{ groups }} as groups
    left join group_counts
        on group_counts.organisation_code = breakdown_totals.organisation_code
        and group_counts.wres_year = breakdown_totals.wres_year
        and group_counts.breakdown = breakdown_totals.breakdown
        and group_counts.characteristic = groups.characteristic
        and group_counts.group_name = groups.group_name
{% endmacro %}
