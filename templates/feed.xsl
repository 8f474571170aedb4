<?xml version="1.0" encoding="UTF-8"?>
{# Shows an Atom or RSS feed opened in a browser as a readable page, in the site's language;
   feed readers ignore it. The feed's own title is known only when the browser applies this
   stylesheet: it goes into each sentence as an XSLT instruction. #}
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom">
  <xsl:output method="html" encoding="UTF-8" indent="yes"/>
  <xsl:template match="/">
    <xsl:variable name="title" select="atom:feed/atom:title | rss/channel/title"/>
    {% set feed_title %}<xsl:value-of select="$title"/>{% endset %}
    {% set feed_name %}<strong dir="auto">{{ feed_title }}</strong>{% endset %}
    <html lang="{{ config.language }}"{% if text_direction == "rtl" %} dir="rtl"{% endif %}>
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>{% trans title=feed_title %}{{ title }} (feed){% endtrans %}</title>
        <style>
          body { max-width: 42rem; margin: 0 auto; padding: 1rem 1.25rem; font: 1.05rem/1.6 system-ui, sans-serif; }
          .note { background: #fff8d6; color: #1f1f1f; border: 1px solid #e6d47a; padding: .75rem 1rem; border-radius: 4px; }
          li { margin-bottom: .75rem; } time { color: #5f6368; font-size: .9rem; }
        </style>
      </head>
      <body>
        <p class="note">{% trans feed=feed_name, subscribe=('subscribe/' | absolute) %}This is a <strong>web feed</strong>. Copy this page's address into your feed reader to subscribe to {{ feed }}. <a href="{{ subscribe }}">How to subscribe</a>{% endtrans %}</p>
        <h1 dir="auto">{{ feed_title }}</h1>
        <ul>
          <xsl:for-each select="atom:feed/atom:entry">
            <li><a href="{atom:link[@rel='alternate' or not(@rel)]/@href}" dir="auto"><xsl:value-of select="atom:title"/></a><br/>
              <time dir="ltr"><xsl:value-of select="substring(atom:published, 1, 10)"/></time></li>
          </xsl:for-each>
          <xsl:for-each select="rss/channel/item">
            <li><a href="{link}" dir="auto"><xsl:value-of select="title"/></a><br/>
              <time dir="ltr"><xsl:value-of select="pubDate"/></time></li>
          </xsl:for-each>
        </ul>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
