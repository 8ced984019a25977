import { DEFAULT_ROUTES, REFUSED_ROUTE, REPORT_PROVIDER_ROUTE, type KheopsAuthRoutes } from '../../config/types';
import { CallbackRoute } from '../../routes/CallbackRoute';
import { LoginRoute } from '../../routes/LoginRoute';
import { PopupCallbackRoute } from '../../routes/PopupCallbackRoute';
import { RefusedRoute } from '../../routes/RefusedRoute';

/**
 * Adds the public sign-in routes to OHIF's router. OHIF builds its routes once at start-up from the
 * global `routes.customRoutes` customization, which is why the extension must be registered then.
 */
export function routesCustomization(routes: KheopsAuthRoutes = DEFAULT_ROUTES) {
  return [
    {
      name: 'global',
      value: {
        'routes.customRoutes': {
          routes: {
            $push: [
              { path: routes.login, children: LoginRoute, private: false },
              { path: routes.callback, children: CallbackRoute, private: false },
              { path: routes.popupCallback, children: PopupCallbackRoute, private: false },
              { path: REFUSED_ROUTE, children: RefusedRoute, private: false },
              // Reached only without a launch in the fragment (preRegistration takes real launches away first).
              { path: REPORT_PROVIDER_ROUTE, children: RefusedRoute, private: false },
            ],
          },
        },
      },
    },
  ];
}
