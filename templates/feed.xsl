<?xml version="1.0" encoding="UTF-8"?>
{# Shows an Atom or RSS feed opened in a browser as a readable page, in the site's language;
   feed readers ignore it. The feed's own title is known only when the browser applies this
   stylesheet: it goes into each sentence as an XSLT instruction. #}
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/" exclude-result-prefixes="atom dc">
  <xsl:output method="html" encoding="UTF-8" indent="yes"/>
  <xsl:template match="/">
    <xsl:variable name="title">
      <xsl:value-of select="atom:feed/atom:title"/>
      <xsl:call-template name="rss-title"><xsl:with-param name="text" select="rss/channel/title"/></xsl:call-template>
    </xsl:variable>
    {% set feed_title %}<xsl:value-of select="$title"/>{% endset %}
    {% set feed_name %}<strong dir="auto">{{ feed_title }}</strong>{% endset %}
    <html lang="{{ config.language }}"{% if text_direction == "rtl" %} dir="rtl"{% endif %}>
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>{% trans title=feed_title %}{{ title }} (feed){% endtrans %}</title>
        {# The site's icon, as its pages link it: with none named, a browser asks the host's
           root for /favicon.ico, which under a sub-path is no file of the site's. A feed
           page's links are read from the feed's address: a relative build's, which no link
           relative to one page is right for, is absolute, as the subscribe link. #}
        <link rel="icon" type="image/svg+xml" href="{{ 'static/favicon.svg' | asset(absolute=config.relative) }}"/>
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
            <li><xsl:call-template name="headline"><xsl:with-param name="href" select="atom:link[@rel='alternate' or not(@rel)]/@href"/><xsl:with-param name="language" select="@xml:lang"/><xsl:with-param name="title" select="atom:title"/></xsl:call-template><br/>
              <time dir="ltr"><xsl:value-of select="substring(atom:published, 1, 10)"/></time></li>
          </xsl:for-each>
          <xsl:for-each select="rss/channel/item">
            <li><xsl:call-template name="headline"><xsl:with-param name="href" select="link"/><xsl:with-param name="language" select="dc:language"/><xsl:with-param name="title"><xsl:call-template name="rss-title"><xsl:with-param name="text" select="title"/></xsl:call-template></xsl:with-param></xsl:call-template><br/>
              <time dir="ltr"><xsl:value-of select="pubDate"/></time></li>
          </xsl:for-each>
        </ul>
      </body>
    </html>
  </xsl:template>
  {# An entry's linked title. The entry of a story in another language than the site's
     names it (xml:lang on an Atom entry, dc:language on an RSS item): its title is marked as
     in it, lang and dir, as the site's pages mark it (the lang filter; dir="rtl" for Arabic
     on an English site). A language none of the site's stories has now is marked too, its
     direction left to the browser. The site's own stories read its way: right to left on a
     site written so, as its pages have them. #}
  <xsl:template name="headline">
    <xsl:param name="href"/>
    <xsl:param name="language"/>
    <xsl:param name="title"/>
    <xsl:choose>
      {%+ for link in languages %}<xsl:when test="$language = '{{ link.language }}'"><a href="{$href}"{{ link | lang("auto") }}><xsl:value-of select="$title"/></a></xsl:when>
      {%+ endfor %}<xsl:when test="$language"><a href="{$href}" lang="{$language}" dir="auto"><xsl:value-of select="$title"/></a></xsl:when>
      <xsl:otherwise><a href="{$href}" dir="{{ 'rtl' if text_direction == 'rtl' else 'auto' }}"><xsl:value-of select="$title"/></a></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  {# An RSS title that readers would take for HTML is sent escaped as HTML (feeds._title):
     here it is shown as written. One sent as text is left as it is, unless it holds an
     "&lt;", "&gt;" or "&amp;" as written and readers take it for text all the same (it
     names an element their sanitizers drop too): the one kind shown wrong here. #}
  <xsl:template name="rss-title">
    <xsl:param name="text"/>
    <xsl:variable name="lt"><xsl:call-template name="replace"><xsl:with-param name="text" select="$text"/><xsl:with-param name="from" select="'&amp;lt;'"/><xsl:with-param name="to" select="'&lt;'"/></xsl:call-template></xsl:variable>
    <xsl:variable name="gt"><xsl:call-template name="replace"><xsl:with-param name="text" select="$lt"/><xsl:with-param name="from" select="'&amp;gt;'"/><xsl:with-param name="to" select="'&gt;'"/></xsl:call-template></xsl:variable>
    <xsl:call-template name="replace"><xsl:with-param name="text" select="$gt"/><xsl:with-param name="from" select="'&amp;amp;'"/><xsl:with-param name="to" select="'&amp;'"/></xsl:call-template>
  </xsl:template>
  <xsl:template name="replace">
    <xsl:param name="text"/>
    <xsl:param name="from"/>
    <xsl:param name="to"/>
    <xsl:choose>
      <xsl:when test="contains($text, $from)">
        <xsl:value-of select="concat(substring-before($text, $from), $to)"/>
        <xsl:call-template name="replace"><xsl:with-param name="text" select="substring-after($text, $from)"/><xsl:with-param name="from" select="$from"/><xsl:with-param name="to" select="$to"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
