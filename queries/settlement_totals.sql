-- What Tabela 5 lists (rows, residents) against what its total row prints.
SELECT
    (SELECT count(*) FROM settlements) AS listed_settlements,
    (SELECT sum(population) FROM settlements)::BIGINT AS listed_population,
    (SELECT max(value) FROM printed_totals
        WHERE dataset = 'settlements' AND aggregate = 'count' AND filter_column IS NULL
    ) AS printed_settlements,
    (SELECT max(value) FROM printed_totals
        WHERE dataset = 'settlements' AND aggregate = 'sum' AND column_name = 'population'
    ) AS printed_population,
    (SELECT any_value(source) FROM printed_totals
        WHERE dataset = 'settlements' AND aggregate = 'sum' AND column_name = 'population'
    ) AS printed_source;
