{#- The headline measure of every indicator and breakdown of the confidential return (spec outputs.md
    section 1). The arithmetic lives in the wres_headline macro, shared with the publication headline. -#}

{{ wres_headline(ref('rpt_wres_return')) }}
