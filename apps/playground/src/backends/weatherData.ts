import { z } from '@org/proxy';

/** The forecast the weather backend knows for a city (made up, always the same). */
export const forecastSchema = z.object({
  city: z.string(),
  condition: z.enum(['sunny', 'cloudy', 'rain', 'snow']),
  highC: z.number(),
  lowC: z.number(),
  windKmh: z.number(),
});

/** A forecast. */
export type Forecast = z.infer<typeof forecastSchema>;

const FORECASTS: readonly Forecast[] = [
  { city: 'Lisbon', condition: 'sunny', highC: 24, lowC: 15, windKmh: 12 },
  { city: 'Porto', condition: 'cloudy', highC: 19, lowC: 13, windKmh: 20 },
  { city: 'Oslo', condition: 'snow', highC: -2, lowC: -8, windKmh: 8 },
  { city: 'Nairobi', condition: 'rain', highC: 23, lowC: 14, windKmh: 10 },
  { city: 'Tokyo', condition: 'cloudy', highC: 17, lowC: 11, windKmh: 15 },
];

/** The cities the backend knows. */
export const CITIES: readonly string[] = FORECASTS.map((forecast) => forecast.city);

/** The forecast of `city` (any case), or `undefined` for a city the backend does not know. */
export function forecastFor(city: string): Forecast | undefined {
  const wanted = city.trim().toLowerCase();
  return FORECASTS.find((forecast) => forecast.city.toLowerCase() === wanted);
}

/** What to pack for a forecast. */
export function packingAdvice(forecast: Forecast): string {
  switch (forecast.condition) {
    case 'sunny':
      return 'sunglasses and sunscreen';
    case 'cloudy':
      return 'a light jacket';
    case 'rain':
      return 'an umbrella';
    case 'snow':
      return 'a warm coat and boots';
  }
}
