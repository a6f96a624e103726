import {
  definePrompt,
  defineResource,
  defineResourceTemplate,
  type Prompt,
  type Resource,
  ResourceError,
  type ResourceTemplate,
  z,
} from '@org/proxy';
import { CITIES, forecastFor, packingAdvice } from './weatherData';

/** `data://stations`: a static resource, the list of weather stations. */
export const stationsResource: Resource = defineResource({
  uri: 'data://stations',
  name: 'stations',
  title: 'Weather stations',
  description: 'Every city the weather backend knows',
  mimeType: 'application/json',
  read: () => JSON.stringify({ stations: CITIES }),
});

/** `data://city/{name}`: a resource template, one forecast per city. */
export const cityTemplate: ResourceTemplate = defineResourceTemplate({
  uriTemplate: 'data://city/{name}',
  name: 'city-forecast',
  title: 'City forecast',
  description: 'The forecast of one city, as JSON',
  mimeType: 'application/json',
  params: z.object({ name: z.string() }),
  complete: {
    name: (prefix) => CITIES.filter((city) => city.toLowerCase().startsWith(prefix.toLowerCase())),
  },
  read: ({ name }) => {
    const forecast = forecastFor(name);
    if (!forecast) throw new ResourceError(`Unknown city: ${name}`);
    return JSON.stringify(forecast);
  },
});

/** `packing_list`: a prompt with arguments. */
export const packingPrompt: Prompt = definePrompt({
  name: 'packing_list',
  title: 'Packing list',
  description: 'Asks the model for a packing list for a trip',
  args: z.object({
    city: z.string().describe('Where you are going'),
    days: z.string().optional().describe('How many days (default 3)'),
  }),
  render: ({ city, days }) => {
    const forecast = forecastFor(city);
    const weather = forecast
      ? `${forecast.condition}, ${forecast.lowC} to ${forecast.highC} °C; bring ${packingAdvice(forecast)}`
      : 'unknown weather';
    return `Write a packing list for ${days ?? '3'} days in ${city} (${weather}).`;
  },
});
