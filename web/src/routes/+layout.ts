// The dashboard is a client-side app over the JSON API: no server rendering, no prerendering.
export const ssr = false;
export const prerender = false;
