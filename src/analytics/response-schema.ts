/** JSON Schema of the `GET /analytics/cards` answer (OpenAPI documentation and fast serialisation). */
const nullableString = { type: ['string', 'null'] } as const;
const nullableNumber = { type: ['number', 'null'] } as const;

export const cardAnalyticsJsonSchema = {
  type: 'object',
  required: ['from', 'to', 'groups', 'unattributedFeedback'],
  properties: {
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    groups: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          catalogueId: nullableString,
          indicator: { type: 'string' },
          shown: { type: 'integer' },
          accepted: { type: 'integer' },
          overridden: { type: 'integer' },
          acceptanceRate: { ...nullableNumber, description: 'accepted / shown' },
          overrideReasons: {
            type: 'array',
            items: {
              type: 'object',
              properties: { code: nullableString, system: nullableString, count: { type: 'integer' } },
            },
          },
          medianSecondsToFeedback: nullableNumber,
        },
      },
    },
    unattributedFeedback: { type: 'integer', description: 'feedback for cards missing from the card log' },
  },
} as const;
